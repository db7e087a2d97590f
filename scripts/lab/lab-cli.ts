// Operator CLI for the two-node lab: bring a lab up that outlives the command, look at it, and
// take down exactly what `up` made (recorded in /tmp/tb-lab/state.json).
//
//   node dist/scripts/lab/lab-cli.js up [--start] [--ping] [--auto-failback on|off|legacy]
//        [--keepalive T] [--deadtime T] [--warntime T] [--initdead T]
//   node dist/scripts/lab/lab-cli.js status
//   node dist/scripts/lab/lab-cli.js cut|heal link NODE | udp [NODE] | serial | ping NODE
//   node dist/scripts/lab/lab-cli.js down
// Touches only the lab it makes (namespaces, processes, /tmp/tb-lab).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Lab, destroyLabState, labPaths, type LabState } from './lab.js';
import { LAB_NET } from './addresses.js';
import { NODES, peerOf, type NodeName } from './lab-config.js';
import { blackhole, labNamespaces, setCable, unblackhole } from './faults.js';
import { listNamespaces, rootSkipReason, socatPtyPair } from './netns.js';
import { run, sleep, stopPid } from './process.js';
import { processAlive } from '../../src/daemon/pidfile.js';
import { NODE_FLAGS } from '../../src/cli/node-flags.js';

// Overridable so tests can run a CLI lab next to an operator's one.
const LAB_DIR = process.env.TB_LAB_DIR ?? '/tmp/tb-lab';
const STATE_FILE = `${LAB_DIR}/state.json`;
const PREFIX = process.env.TB_LAB_PREFIX ?? 'tb-lab';

const usage = `usage: lab-cli up [--start] [--ping] [--auto-failback on|off|legacy]
                 [--keepalive T] [--deadtime T] [--warntime T] [--initdead T]
       lab-cli status
       lab-cli cut|heal link NODE     unplug/replug NODE's LAN cable (alpha|bravo)
       lab-cli cut|heal udp [NODE]    drop what NODE (default: both) sends to the peer
       lab-cli cut|heal serial        stop/restart the socat null-modem cable
       lab-cli cut|heal ping NODE     make the ping target unreachable from NODE
       lab-cli down`;

function readState(): LabState | null {
  return existsSync(STATE_FILE) ? (JSON.parse(readFileSync(STATE_FILE, 'utf8')) as LabState) : null;
}

function writeState(state: LabState): void {
  writeFileSync(STATE_FILE, JSON.stringify(state, null, 2) + '\n');
}

function parseNode(word: string | undefined): NodeName | null {
  return word === 'alpha' || word === 'bravo' ? word : null;
}

/** The recorded socat, if it is still the process we started (PIDs get reused). */
function liveSocat(state: LabState): number | null {
  const entry = state.hostPids.find((p) => p.command === 'socat');
  // A killed socat whose parent (the `up` process) is gone may stay a zombie where init does not
  // reap: that cable is cut, not live.
  if (!entry || !processAlive(entry.pid) || !existsSync(`/proc/${entry.pid}/comm`)) return null;
  return readFileSync(`/proc/${entry.pid}/comm`, 'utf8').trim() === 'socat' ? entry.pid : null;
}

async function fault(action: 'cut' | 'heal', args: string[]): Promise<number> {
  const state = readState();
  if (!state) {
    process.stderr.write('no lab is up\n');
    return 3;
  }
  const [what, nodeWord] = args;
  const node = parseNode(nodeWord);
  const ns = labNamespaces(state.prefix);
  const cut = action === 'cut';
  switch (what) {
    case 'link':
      if (!node) break;
      await setCable(state.prefix, node, !cut);
      return 0;
    case 'udp':
      if (nodeWord !== undefined && !node) break;
      for (const from of node ? [node] : NODES) {
        const to = LAB_NET[peerOf(from)];
        await (cut ? blackhole(ns[from], to) : unblackhole(ns[from], to));
      }
      return 0;
    case 'ping':
      if (!node) break;
      await (cut ? blackhole(ns[node], LAB_NET.pingTarget) : unblackhole(ns[node], LAB_NET.pingTarget));
      return 0;
    case 'serial': {
      const pid = liveSocat(state);
      if (cut && pid !== null) await stopPid(pid);
      if (!cut && pid === null) {
        const pair = await socatPtyPair(`${state.dir}/ttyA`, `${state.dir}/ttyB`, { detached: true });
        const newPid = pair.pid;
        pair.release();
        writeState({ ...state, hostPids: [...state.hostPids.filter((p) => p.command !== 'socat'), { pid: newPid, command: 'socat' }] });
      }
      return 0;
    }
  }
  process.stderr.write(`${usage}\n`);
  return 2;
}

async function up(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      start: { type: 'boolean', default: false },
      ping: { type: 'boolean', default: false },
      'auto-failback': { type: 'string' },
      keepalive: { type: 'string' },
      deadtime: { type: 'string' },
      warntime: { type: 'string' },
      initdead: { type: 'string' },
    },
  });
  const existing = readState();
  const namespaces = await listNamespaces();
  if (existing || namespaces.some((n) => n.startsWith(`${PREFIX}-`))) {
    process.stderr.write(`a lab is already up (${STATE_FILE} or ${PREFIX}-* namespaces exist); run 'lab-cli down' first\n`);
    return 1;
  }
  const failback = values['auto-failback'];
  if (failback !== undefined && failback !== 'on' && failback !== 'off' && failback !== 'legacy') {
    process.stderr.write(`--auto-failback must be on, off or legacy\n${usage}\n`);
    return 2;
  }
  if (values.start && !existsSync(labPaths.cli)) {
    process.stderr.write(`--start: ${labPaths.cli} does not exist (run npm run build)\n`);
    return 1;
  }
  const lab = await Lab.create({
    prefix: PREFIX,
    dir: LAB_DIR,
    persistent: true,
    ping: values.ping,
    ...(failback ? { autoFailback: failback } : {}),
    ...(values.keepalive ? { keepalive: values.keepalive } : {}),
    ...(values.deadtime ? { deadtime: values.deadtime } : {}),
    ...(values.warntime ? { warntime: values.warntime } : {}),
    ...(values.initdead ? { initdead: values.initdead } : {}),
  });
  if (values.start) for (const node of NODES) lab.startDaemon(node);
  // A daemon that refuses its configuration (say --deadtime 500ms with the default 1 s
  // warntime) exits at once: say so now rather than leave a lab that silently does nothing.
  const refused: string[] = [];
  if (values.start) {
    await sleep(1_500);
    for (const name of NODES) if (lab.daemon(name)?.exitCode !== null) refused.push(`${name}:\n${lab.daemonLog(name).trim()}`);
  }
  writeState(lab.release());
  if (refused.length > 0) {
    process.stderr.write(`a daemon did not start (the lab stays up; fix the options, or 'lab-cli down'):\n${refused.join('\n')}\n`);
    return 1;
  }

  const node = [process.execPath, ...NODE_FLAGS].join(' ');
  process.stdout.write(`lab ${PREFIX} is up (state: ${STATE_FILE})
  alpha   netns ${PREFIX}-a  ${LAB_NET.alpha}   config ${LAB_DIR}/alpha   serial ${LAB_DIR}/ttyA
  bravo   netns ${PREFIX}-b  ${LAB_NET.bravo}   config ${LAB_DIR}/bravo   serial ${LAB_DIR}/ttyB
  client  netns ${PREFIX}-c  ${LAB_NET.client}  floating IP ${LAB_NET.floating}, echo service on UDP ${LAB_NET.echoPort}
${values.start ? '  daemons started; output in ' + LAB_DIR + '/{alpha,bravo}/daemon.out\n' : ''}
  start a node:   ip netns exec ${PREFIX}-a ${node} ${labPaths.cli} start -f -c ${LAB_DIR}/alpha --node alpha
  status:         ip netns exec ${PREFIX}-a ${node} ${labPaths.cli} status -c ${LAB_DIR}/alpha --node alpha
  client probe:   ip netns exec ${PREFIX}-c ${node} ${labPaths.probe} --target ${LAB_NET.floating} --duration-ms 10000
  take it down:   ${process.execPath} ${process.argv[1] ?? 'lab-cli.js'} down
`);
  return 0;
}

async function status(): Promise<number> {
  const state = readState();
  if (!state) {
    process.stdout.write('no lab is up\n');
    return 3;
  }
  const present = new Set(await listNamespaces());
  process.stdout.write(`lab ${state.prefix} (${state.dir})\n`);
  for (const name of state.namespaces) process.stdout.write(`  netns ${name}: ${present.has(name) ? 'present' : 'MISSING'}\n`);
  for (const { pid, command } of state.hostPids) process.stdout.write(`  ${command} pid ${pid}: ${processAlive(pid) ? 'running' : 'gone'}\n`);
  for (const node of NODES) {
    const ns = labNamespaces(state.prefix)[node];
    if (!present.has(ns)) continue;
    const addrs = await run(['ip', '-n', ns, '-o', '-4', 'addr', 'show', 'dev', LAB_NET.lanIf], { allowFail: true });
    const holds = addrs.stdout.includes(` ${LAB_NET.floating}/`);
    const pids = await run(['ip', 'netns', 'pids', ns], { allowFail: true });
    const processes = pids.stdout.split(/\s+/).filter(Boolean).length;
    process.stdout.write(`  ${node}: ${holds ? 'HOLDS' : 'does not hold'} ${LAB_NET.floating}; ${processes} process(es) in ${ns}\n`);
  }
  return 0;
}

async function down(): Promise<number> {
  const state = readState();
  if (!state) {
    process.stdout.write('no lab is up\n');
    return 0;
  }
  await destroyLabState(state);
  process.stdout.write(`lab ${state.prefix} removed\n`);
  return 0;
}

async function main(): Promise<number> {
  const [command, ...args] = process.argv.slice(2);
  if (rootSkipReason && command !== undefined && ['up', 'down', 'status', 'cut', 'heal'].includes(command)) {
    process.stderr.write(`lab-cli ${command}: ${rootSkipReason}\n`);
    return 1;
  }
  switch (command) {
    case 'up':
      return up(args);
    case 'status':
      return status();
    case 'down':
      return down();
    case 'cut':
    case 'heal':
      return fault(command, args);
    default:
      process.stderr.write(`${usage}\n`);
      return 2;
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`lab-cli: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
