// Runs one UdpLink inside a network namespace (`ip netns exec NS node udp-child.js OPTIONS`) and
// speaks JSON lines over stdio, so a test in the root namespace can drive it as a Link
// (see proxy-link.ts). A process cannot move a socket between namespaces, hence one child each.
//
// stdin:  {"op":"send","frame":...} | {"op":"inject","raw":base64,"host":...,"port":...} | {"op":"accepted","at":...} | {"op":"close"}
// stdout: {"ev":"ready"} | {"ev":"event","event":LinkEvent} | {"ev":"stats","stats":LinkStats} | {"ev":"closed"} | {"ev":"error","message":...}
import dgram from 'node:dgram';
import { createInterface } from 'node:readline';
import { UdpLink, deviceAddress, type UdpLinkOptions } from '../../src/transport/udp.js';
import { silentLog } from '../../src/transport/log.js';

const ENV_FLAG = 'TB3_UDP_CHILD';

async function main(options: UdpLinkOptions): Promise<void> {
  const out = (message: object) => process.stdout.write(JSON.stringify(message) + '\n');
  const link = new UdpLink(options, { now: () => performance.now(), log: silentLog });
  let lastStats = '';
  const pushStats = () => {
    const stats = JSON.stringify(link.stats());
    if (stats !== lastStats) out({ ev: 'stats', stats: JSON.parse(stats) });
    lastStats = stats;
  };
  const ticker = setInterval(pushStats, 5);
  link.onEvent((event) => {
    pushStats();
    out({ ev: 'event', event });
  });
  try {
    await link.open();
  } catch (err) {
    out({ ev: 'error', message: (err as Error).message });
    process.exit(1);
  }
  // Raw injection leaves from the device's address so multicast finds its interface.
  const injector = dgram.createSocket('udp4');
  const local = deviceAddress(options.medium.dev);
  const address = local instanceof Error ? '0.0.0.0' : local.address;
  await new Promise<void>((resolve) => injector.bind(0, address, resolve));
  if (options.medium.kind === 'mcast') injector.setMulticastInterface(address);
  out({ ev: 'ready' });
  for await (const line of createInterface({ input: process.stdin })) {
    const cmd = JSON.parse(line) as { op: string; frame?: string; raw?: string; host?: string; port?: number; at?: number };
    if (cmd.op === 'send') link.send(cmd.frame!);
    else if (cmd.op === 'accepted') link.frameAccepted(cmd.at!);
    else if (cmd.op === 'inject') injector.send(Buffer.from(cmd.raw!, 'base64'), cmd.port!, cmd.host!);
    else if (cmd.op === 'close') break;
  }
  await link.close();
  pushStats();
  clearInterval(ticker);
  injector.close();
  out({ ev: 'closed' });
}

if (process.env[ENV_FLAG] === '1' && process.argv[2]) void main(JSON.parse(process.argv[2]) as UdpLinkOptions);
