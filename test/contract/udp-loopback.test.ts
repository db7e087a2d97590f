// UDP ucast between two links on loopback: distinct local addresses (127.0.0.2 and 127.0.0.3)
// sharing one port, exactly like two nodes sharing `udpport`.
import dgram from 'node:dgram';
import { UdpLink } from '../../src/transport/udp.js';
import { silentLog } from '../../src/transport/log.js';
import { linkContract } from './link.contract.js';
import { freeUdpPort } from './ports.js';

const deps = { now: () => performance.now(), log: silentLog };

linkContract('udp ucast on loopback', async () => {
  const port = await freeUdpPort('127.0.0.2');
  const a = new UdpLink({ medium: { kind: 'ucast', dev: 'lo', peer: '127.0.0.3', port }, localAddress: '127.0.0.2' }, deps);
  const b = new UdpLink({ medium: { kind: 'ucast', dev: 'lo', peer: '127.0.0.2', port }, localAddress: '127.0.0.3' }, deps);
  await Promise.all([a.open(), b.open()]);
  const injector = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => injector.bind(0, '127.0.0.4', resolve));
  return {
    a,
    b,
    injectToB: (raw) => new Promise<void>((resolve, reject) => injector.send(raw, port, '127.0.0.3', (err) => (err ? reject(err) : resolve()))),
    cleanup: () => new Promise<void>((resolve) => injector.close(() => resolve())),
  };
});
