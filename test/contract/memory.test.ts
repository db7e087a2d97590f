import { createMemoryPair, realTimeScheduler } from '../../src/transport/memory.js';
import { linkContract } from './link.contract.js';

linkContract('memory', async () => {
  const { a, b, network } = createMemoryPair('mem:a', 'mem:b', realTimeScheduler());
  await Promise.all([a.open(), b.open()]);
  return {
    a,
    b,
    injectToB: async (raw) => network.inject('a->b', raw.toString('latin1')),
    cleanup: async () => undefined,
  };
});
