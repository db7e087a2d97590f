// `npm run demo`: a narrated failover in a throwaway two-node lab. Brings the lab up, starts both
// daemons, shows their status, cuts the primary's power while a client keeps asking the floating
// IP who serves it, shows the backup taking over with the outage the client saw, powers the
// primary back on and shows what auto_failback does, then tears everything down.
//
//   npm run demo [-- --auto-failback on|off] [--keepalive 200ms] [--deadtime 2]
//
// Exits 0 if the backup took over (and, with auto_failback on, the primary got the service back),
// 1 if not, 2 on a usage error or when it cannot run here (needs Linux and root; installs what
// it runs with apt-get when missing: lab/requirements.ts).
import { parseArgs } from 'node:util';
import { Lab, type NodeName, type StatusReport } from './lab.js';
import { LAB_NET } from './addresses.js';
import { preflight } from './preflight.js';
import { sleep } from './process.js';
import type { ProbeReport } from './probe-report.js';

const t0 = Date.now();
function say(text: string): void {
  const elapsed = ((Date.now() - t0) / 1000).toFixed(1).padStart(5);
  process.stdout.write(`[${elapsed}s] ${text}\n`);
}
function detail(text: string): void {
  process.stdout.write(`         ${text}\n`);
}

function describe(status: StatusReport): string[] {
  const links = status.links.map((l) => `${l.name} ${l.state}`).join(', ');
  const groups = status.groups.map((g) => `${g.key} held by ${g.holders.join('+') || 'nobody'}`).join('; ');
  return [
    `${status.self.name}: ${status.self.role}; peer ${status.peer.name} ${status.peer.state}`,
    `  links: ${links}`,
    `  resources: ${groups}`,
  ];
}

async function showStatus(lab: Lab, node: NodeName): Promise<void> {
  for (const line of describe((await lab.status(node)) as StatusReport)) detail(line);
}

function showProbe(report: ProbeReport): void {
  const counts = Object.entries(report.answersByNode).map(([node, n]) => `${node} ${n}`).join(', ');
  detail(`client sent ${report.sent} requests, got ${report.received} answers (${counts})`);
  for (const s of report.switches) detail(`switch ${s.from} -> ${s.to} at ${(s.atMs / 1000).toFixed(2)}s after ${Math.round(s.gapMs)} ms without an answer`);
  detail(`longest outage the client saw: ${Math.round(report.longestGapMs)} ms`);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      'auto-failback': { type: 'string', default: 'on' },
      keepalive: { type: 'string', default: '200ms' },
      deadtime: { type: 'string', default: '2' },
    },
  });
  const autoFailback = values['auto-failback'];
  if (autoFailback !== 'on' && autoFailback !== 'off') {
    process.stderr.write('usage: demo [--auto-failback on|off] [--keepalive T] [--deadtime T]\n');
    return 2;
  }
  const blocked = preflight('demo', say);
  if (blocked) {
    process.stderr.write(`demo: ${blocked}\n`);
    return 2;
  }

  say(`building the lab: alpha ${LAB_NET.alpha}, bravo ${LAB_NET.bravo}, client ${LAB_NET.client}, one bridge, one serial cable`);
  const lab = await Lab.create({ keepalive: values.keepalive, deadtime: values.deadtime, autoFailback });
  let ok = false;
  try {
    detail(`namespaces ${lab.prefix}-{a,b,c,br}, configs in ${lab.dir}/{alpha,bravo}`);
    detail(`keepalive ${values.keepalive}, deadtime ${values.deadtime}s, auto_failback ${autoFailback}; haresources: alpha ${LAB_NET.floating}/24/eth0`);

    say('starting the twinbeat daemon on both nodes');
    lab.startDaemon('alpha');
    lab.startDaemon('bravo');
    await lab.waitForHolders(['alpha'], 30_000);
    await lab.waitForStatus('bravo', 'peer alive', (s) => s.peer.state === 'alive');
    say(`alpha (the preferred node) holds ${LAB_NET.floating}`);
    await showStatus(lab, 'alpha');
    await showStatus(lab, 'bravo');

    say(`the client starts asking ${LAB_NET.floating}:${LAB_NET.echoPort} "who are you?" every 10 ms`);
    const probe = await lab.startProbe();
    await sleep(1_500);

    say('cutting the power of alpha (SIGKILL, LAN cable and serial cable gone)');
    const cutAt = Date.now();
    await lab.powerOff('alpha');
    try {
      await lab.waitForHolders(['bravo'], 30_000);
    } catch (err) {
      say('FAILOVER DID NOT HAPPEN');
      detail((err as Error).message);
      await probe.stop();
      return 1;
    }
    say(`bravo took over ${LAB_NET.floating} ${((Date.now() - cutAt) / 1000).toFixed(1)}s after the power cut (deadtime ${values.deadtime}s)`);
    await showStatus(lab, 'bravo');
    await sleep(1_500);

    say('powering alpha back on (addresses gone as after a reboot, daemon started)');
    await lab.powerOn('alpha');
    if (autoFailback === 'on') {
      say('auto_failback on: bravo hands the service back to alpha once alpha is up');
      await lab.waitForHolders(['alpha'], 30_000);
      say(`alpha holds ${LAB_NET.floating} again`);
    } else {
      say('auto_failback off: the service stays where it is; alpha comes back as the backup');
      await lab.waitForStatus('alpha', 'alpha sees bravo', (s) => s.peer.state === 'alive');
      await sleep(3_000);
      const holders = await lab.holders();
      if (holders.join() !== 'bravo') throw new Error(`expected bravo to keep the service, holders: [${holders.join(',')}]`);
      say(`bravo still holds ${LAB_NET.floating}`);
    }
    await sleep(1_500);
    await showStatus(lab, 'alpha');

    const report = await probe.stop();
    say("what the client saw:");
    showProbe(report);
    ok = report.switches.some((s) => s.from === 'alpha' && s.to === 'bravo');
    if (!ok) say('the client never saw bravo answer: failover not observed by the client');
    return ok ? 0 : 1;
  } finally {
    say('tearing the lab down');
    await lab.destroy();
    say(ok ? 'done: failover worked' : 'done: FAILED');
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`demo: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
