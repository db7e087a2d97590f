// What twinbeat's demo, root-only tests and bench run besides Node.js — ONE table, REQUIREMENTS —
// and the one place that finds what is missing and installs it. Running as root with apt-get
// (Debian 12): it says so in one line and installs the packages; otherwise it stops with the exact
// command to run. Used by preflight.ts (the demo and the bench), by netns.ts (rootSkipReason) and
// by `npm test` as a command, so .ci/run, which runs the README's commands, takes the same path
// a newcomer does:
//
//   node dist/scripts/lab/requirements.js demo|tests|bench     install what that needs, or say how
//   node dist/scripts/lab/requirements.js list                 the table
//
// May touch: runs `sh -c 'command -v …'`; as root also apt-get update/install, with a temporary
// /usr/sbin/policy-rc.d (only when the machine has none) so no installed service starts.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Who runs a command: the lab itself, the daemon and its shipped resource scripts, tests, the bench. */
export type User = 'lab' | 'daemon' | 'tests' | 'bench';
/** The entry points that check requirements. */
export type Purpose = 'demo' | 'tests' | 'bench';

export interface Requirement {
  /** What the code runs: a command looked up on PATH, or an absolute path. */
  command: string;
  /** The Debian 12 package that provides it. */
  package: string;
  usedBy: User;
  /** What it is for, shown when it is missing. */
  why: string;
  /** Also used by a test that runs without root (every other root-only test skips without root). */
  withoutRoot?: boolean;
}

/**
 * Every external command the demo, the tests and the bench run (or make the daemon run). Add a
 * row when code starts running a new one; the demo, `npm test`, the bench and CI pick it up.
 * Commands from Debian's essential packages (coreutils, util-linux, bsdutils, libc-bin) are
 * listed too: they are missing only on a trimmed-down system, and then the message is right.
 */
export const REQUIREMENTS: readonly Requirement[] = [
  { command: 'ip', package: 'iproute2', usedBy: 'lab', why: 'network namespaces, veth pairs, addresses and routes' },
  { command: 'bridge', package: 'iproute2', usedBy: 'lab', why: "the lab's bridge" },
  { command: 'socat', package: 'socat', usedBy: 'lab', why: "the lab's null-modem serial cable", withoutRoot: true },
  { command: 'arping', package: 'iputils-arping', usedBy: 'daemon', why: 'IPaddr: duplicate-address detection and gratuitous ARP' },
  { command: 'ping', package: 'iputils-ping', usedBy: 'daemon', why: 'the ping and ping_group directives' },
  { command: 'timeout', package: 'coreutils', usedBy: 'daemon', why: "IPaddr: bounds arping's duplicate-address probe" },
  { command: 'setsid', package: 'util-linux', usedBy: 'daemon', why: "IPaddr: the gratuitous-ARP burst's own session" },
  // mawk is Debian's awk (priority required, not essential): a trimmed-down system may lack it.
  { command: 'awk', package: 'mawk', usedBy: 'daemon', why: "IPaddr: the connected route and prefix length from ip's output" },
  { command: 'ndisc6', package: 'ndisc6', usedBy: 'tests', why: 'IPaddr (IPv6): duplicate-address detection (one Neighbour Solicitation)' },
  // IPv6 floating addresses only: IPaddr runs these for an IPv6 address, so the demo (IPv4) does
  // not install them; the tests do, and a server with IPv6 floating addresses needs both.
  // send_ua is resource-agents' own unsolicited-NA sender (Heartbeat's and Pacemaker's IPv6
  // agents use it); IPaddr also finds it on PATH or in /usr/lib/heartbeat.
  { command: '/usr/libexec/heartbeat/send_ua', package: 'resource-agents', usedBy: 'tests', why: 'IPaddr (IPv6): unsolicited neighbour advertisements' },
  // systemd:UNIT resources only (src/resources/classes.ts runs `systemctl start|stop|is-active`):
  // like ndisc6, the demo has none, so it does not install it; the tests run a stand-in
  // systemctl from their own PATH and never the real one, and need the package anyway
  // (systemd-analyze). A server with systemd: resources has it.
  { command: 'systemctl', package: 'systemd', usedBy: 'tests', why: 'systemd:UNIT resources: start, stop and is-active through systemctl' },
  { command: 'chrt', package: 'util-linux', usedBy: 'daemon', why: 'realtime on: SCHED_FIFO' },
  { command: 'prlimit', package: 'util-linux', usedBy: 'daemon', why: 'raises its own open-files soft limit to the hard limit at start' },
  { command: 'logger', package: 'bsdutils', usedBy: 'daemon', why: 'logfacility: syslog' },
  { command: 'mkfifo', package: 'coreutils', usedBy: 'tests', why: "the serial read loop's unit test: a FIFO at end of file reads like a hung-up tty" },
  { command: 'sysctl', package: 'procps', usedBy: 'tests', why: "the duplicate-address test's namespaces (IPv6 off)" },
  { command: 'setpriv', package: 'util-linux', usedBy: 'tests', why: 'the tests that run the CLI as nobody (test/support/unprivileged.ts)' },
  // For issue 15's Pacemaker export: its test checks the generated CIB with `crm_verify
  // --xml-file`. --no-install-recommends: 47 packages, 12 MB download (pacemaker, corosync,
  // resource-agents come with it; policy-rc.d keeps their services from starting).
  { command: 'crm_verify', package: 'pacemaker-cli-utils', usedBy: 'tests', why: "the Pacemaker export test's crm_verify check" },
  { command: 'crm_simulate', package: 'pacemaker-cli-utils', usedBy: 'tests', why: 'the Pacemaker export test: groups place and move as on the pair' },
  { command: 'corosync', package: 'corosync', usedBy: 'tests', why: "the Pacemaker export test's corosync -t check of corosync.conf" },
  { command: 'crm_resource', package: 'pacemaker-cli-utils', usedBy: 'tests', why: "the Pacemaker export test: each exported agent's metadata" },
  { command: 'nice', package: 'coreutils', usedBy: 'tests', why: 'the Pacemaker export test runs the pcs script at low priority' },
  // 30 packages, about 31 s (--no-install-recommends).
  { command: 'pcs', package: 'pcs', usedBy: 'tests', why: 'the Pacemaker export test runs the generated pcs script offline' },
  { command: 'systemd-analyze', package: 'systemd', usedBy: 'tests', why: 'scripts/twinbeat.service: systemd-analyze verify' },
  { command: 'systemd-notify', package: 'systemd', usedBy: 'tests', why: "the systemd notifier's test against a stand-in NOTIFY_SOCKET (the daemon runs it only under systemd)" },
  { command: 'logrotate', package: 'logrotate', usedBy: 'tests', why: 'scripts/twinbeat.logrotate rotates the logs of a running daemon (its postrotate reload)' },
  { command: 'man', package: 'man-db', usedBy: 'tests', why: 'the generated man pages render (and the unit\'s Documentation=man: links resolve)' },
  { command: 'npm', package: 'npm', usedBy: 'tests', why: 'install.sh and npm pack --dry-run: what the package ships' },
  { command: 'nft', package: 'nftables', usedBy: 'bench', why: "the soak's packet loss" },
  { command: 'stress-ng', package: 'stress-ng', usedBy: 'bench', why: "the soak's CPU stress" },
  { command: '/usr/libexec/heartbeat/heartbeat', package: 'heartbeat', usedBy: 'bench', why: 'Linux-HA Heartbeat 3.0.6, compared against' },
  { command: '/usr/sbin/keepalived', package: 'keepalived', usedBy: 'bench', why: 'keepalived, compared against' },
  { command: 'unshare', package: 'util-linux', usedBy: 'bench', why: "Heartbeat's private mounts and hostname" },
  { command: 'getconf', package: 'libc-bin', usedBy: 'bench', why: 'clock ticks for the CPU accounting' },
];

const USERS: Record<Purpose, readonly User[]> = {
  demo: ['lab', 'daemon'],
  tests: ['lab', 'daemon', 'tests'],
  bench: ['lab', 'daemon', 'bench'],
};

/** The command a table row names for a package (e.g. the bench's Heartbeat binary). */
export function commandOf(pkg: string): string {
  const row = REQUIREMENTS.find((r) => r.package === pkg);
  if (!row) throw new Error(`no requirement for package ${pkg}`);
  return row.command;
}

export function hasCommand(command: string): boolean {
  return spawnSync('sh', ['-c', 'command -v "$1"', 'sh', command], { stdio: 'ignore' }).status === 0;
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

export interface Probe {
  root: boolean;
  has: (command: string) => boolean;
}

const here: Probe = { root: isRoot(), has: hasCommand };

/** The rows `purpose` needs that this machine lacks (without root: only the withoutRoot ones). */
export function missingFor(purpose: Purpose, probe: Probe = here): Requirement[] {
  return REQUIREMENTS.filter((r) => USERS[purpose].includes(r.usedBy) && (probe.root || r.withoutRoot === true) && !probe.has(r.command));
}

/** Package names of rows, each once, in table order. */
export function packagesOf(rows: readonly Requirement[]): string[] {
  return [...new Set(rows.map((r) => r.package))];
}

/** The exact command that installs packages on Debian, as root. */
export function installCommand(packages: readonly string[]): string {
  return `apt-get update && apt-get install -y --no-install-recommends ${packages.join(' ')}`;
}

function commands(rows: readonly Requirement[]): string[] {
  return rows.map((r) => r.command);
}

function describe(rows: readonly Requirement[]): string {
  return rows.map((r) => `${r.command} (${r.why})`).join(', ');
}

/**
 * Why a test that runs `commands` (each a table row) must skip here, naming the install command,
 * or false when all are installed. Use as `{ skip: missingSkipReason(['arping']) }`.
 */
export function missingSkipReason(commands: readonly string[], probe: Probe = here): string | false {
  const rows = commands.map((c) => {
    const row = REQUIREMENTS.find((r) => r.command === c);
    if (!row) throw new Error(`${c} is not in REQUIREMENTS (scripts/lab/requirements.ts)`);
    return row;
  });
  const missing = rows.filter((r) => !probe.has(r.command));
  if (missing.length === 0) return false;
  return `needs ${missing.map((r) => r.command).join(' and ')} installed: ${installCommand(packagesOf(missing))}`;
}

/** Why the lab cannot be built here (not Linux, not root, a lab command missing), or false. */
export function labSkipReason(probe: Probe = here): string | false {
  if (process.platform !== 'linux') return 'needs Linux (network namespaces)';
  if (!probe.root) return 'needs root (network namespaces)';
  return missingSkipReason(commands(REQUIREMENTS.filter((r) => r.usedBy === 'lab')), probe);
}

const POLICY_RC_D = '/usr/sbin/policy-rc.d';

/** apt-get install, quietly; no service starts (policy-rc.d); waits for another apt's lock. */
function aptInstall(packages: readonly string[]): { ok: boolean; output: string } {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const lock = ['-o', 'DPkg::Lock::Timeout=300'];
  const ownPolicy = !existsSync(POLICY_RC_D);
  if (ownPolicy) writeFileSync(POLICY_RC_D, '#!/bin/sh\n# twinbeat: no service starts during its package install\nexit 101\n', { mode: 0o755 });
  try {
    let output = '';
    for (const args of [['update', '-q'], ['install', '-y', '-q', '--no-install-recommends', ...packages]]) {
      const r = spawnSync('apt-get', [...lock, ...args], { env, encoding: 'utf8', timeout: 900_000 });
      output += `${r.stdout ?? ''}${r.stderr ?? ''}`;
      if (r.status !== 0) return { ok: false, output };
    }
    return { ok: true, output };
  } finally {
    if (ownPolicy) rmSync(POLICY_RC_D, { force: true });
  }
}

export type EnsureResult = { ok: true; installed: string[] } | { ok: false; message: string };

/**
 * Makes sure `purpose` finds every command it runs: installs what is missing when it can (root,
 * apt-get), after telling `say` in one line; otherwise returns the exact command to run.
 */
export function ensureRequirements(purpose: Purpose, say: (line: string) => void, probe: Probe = here): EnsureResult {
  const missing = missingFor(purpose, probe);
  if (missing.length === 0) return { ok: true, installed: [] };
  const packages = packagesOf(missing);
  if (!probe.root || !probe.has('apt-get')) {
    const how = probe.has('apt-get') ? `run as root: ${installCommand(packages)}` : `install them (Debian: ${installCommand(packages)})`;
    return { ok: false, message: `needs ${describe(missing)}; ${how}` };
  }
  say(`installing ${packages.join(' ')} with apt-get (${purpose} needs ${commands(missing).join(', ')})`);
  const result = aptInstall(packages);
  const still = missingFor(purpose, probe);
  if (!result.ok || still.length > 0) {
    const tail = result.output.trim().split('\n').slice(-15).join('\n');
    return { ok: false, message: `apt-get could not install ${packages.join(' ')}${still.length > 0 ? ` (still missing: ${commands(still).join(', ')})` : ''}; try: ${installCommand(packages)}\n${tail}` };
  }
  return { ok: true, installed: packages };
}

function main(argv: string[]): number {
  const [what] = argv;
  if (what === 'list') {
    for (const r of REQUIREMENTS) process.stdout.write(`${r.usedBy.padEnd(7)} ${r.package.padEnd(20)} ${r.command.padEnd(33)} ${r.why}\n`);
    return 0;
  }
  if (what !== 'demo' && what !== 'tests' && what !== 'bench') {
    process.stderr.write('usage: requirements demo|tests|bench|list\n');
    return 2;
  }
  const outcome = ensureRequirements(what, (line) => process.stderr.write(`${what}: ${line}\n`));
  if (outcome.ok) return 0;
  process.stderr.write(`${what}: ${outcome.message}\n`);
  return 1;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exit(main(process.argv.slice(2)));
