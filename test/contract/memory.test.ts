// The link contract suite (link.contract.ts) run against the in-memory link pair that the
// simulation and unit tests use, on real timers. Touches nothing outside the process.
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
