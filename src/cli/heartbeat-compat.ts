// Heartbeat 3.0.6's `cl_status` answers, computed from a `twinbeat status --json` report, so
// monitoring scripts written for Heartbeat keep working (the shim is src/cli/cl-status.ts; see
// /work/shared/HEARTBEAT.md §9.1 for the originals). Pure: report and argv in, output and exit
// code out. Only the subset in CL_STATUS_SUBCOMMANDS; the rest are refused as parameter errors.
import type { LinkView, StatusReport } from '../daemon/status-report.js';

/**
 * cl_status's exit codes: 0 ok, 1 "normal failure" (node/link down, stopped), 11 parameter error
 * (also an unknown node for nodestatus), 12 timeout, 13 "unknown error" (also an unknown node or
 * link for listhblinks and hblinkstatus: the daemon's walk or query fails).
 */
export const CL_STATUS_EXIT = { ok: 0, failed: 1, usage: 11, timeout: 12, unknown: 13 } as const;

export interface ClStatusSubcommand {
  name: string;
  args: string;
  summary: string;
  /** The option letters cl_status's getopt accepts for it (its `optstr`); any other is a parameter error. */
  options: string;
  /** What it says when an operand is missing: cl_status's words differ by sub-command. */
  missing?: string;
}

/** The subcommands answered, in cl_status's order; the man page and completion list them. */
export const CL_STATUS_SUBCOMMANDS: readonly ClStatusSubcommand[] = [
  { name: 'hbstatus', args: '[-v]', options: 'mv', summary: 'is the daemon running here: "Heartbeat is running on this machine." (0) or "... stopped ..." (1)' },
  { name: 'listnodes', args: '[-n|-p|-v]', options: 'mpnv', summary: 'the two nodes, one per line (there are no ping nodes: -p lists none)' },
  { name: 'nodestatus', args: 'NODE', options: 'm', missing: 'Not enough parameters.', summary: 'active, up, init or dead; exit 0 for active and up, else 1 (11: no such node)' },
  { name: 'rscstatus', args: '', options: 'm', summary: 'which resource groups this node holds: none, local, foreign, all, or transition' },
  { name: 'listhblinks', args: '[-v] NODE', options: 'mv', missing: 'No enough parameter.', summary: 'the heartbeat links as Heartbeat names them (interface or serial device), one per line after a tab (13: no such node)' },
  { name: 'hblinkstatus', args: 'NODE LINK', options: 'm', missing: 'No enough parameter.', summary: 'up (0) or dead (1); 13: no such node or link' },
];

export interface ClStatusAnswer {
  out: string;
  err: string;
  code: number;
}

const answer = (out: string, code: number = CL_STATUS_EXIT.ok, err = ''): ClStatusAnswer => ({ out, err, code });
const failure = (err: string, code: number): ClStatusAnswer => ({ out: '', err: `${err}\n`, code });

export function clStatusUsage(): string {
  return ['Usage: cl_status <sub-command> [<options>] [<parameters>]', 'Sub-commands (twinbeat subset):', ...CL_STATUS_SUBCOMMANDS.map((s) => `${s.name} ${s.args}`.trimEnd())].join('\n');
}

/**
 * A link by the name Heartbeat gives it: the interface of a UDP link (`udp:ucast:eth0:10.0.0.2`
 * → `eth0`), the device of a serial one (`serial:/dev/ttyS0` → `/dev/ttyS0`).
 */
export function heartbeatLinkName(name: string): string {
  const serial = /^serial:(.+)$/.exec(name);
  if (serial) return serial[1]!;
  const udp = /^udp:[a-z]+:([^:]+)/.exec(name);
  return udp ? udp[1]! : name;
}

function nodeStatus(r: StatusReport, node: string): string | null {
  const past = (role: string) => (role === 'init' ? 'up' : 'active');
  if (node === r.self.name) return past(r.self.role);
  if (node !== r.peer.name) return null;
  if (r.peer.state === 'alive') return past(r.peer.role);
  if (r.peer.state === 'dead') return 'dead';
  // Never heard: Heartbeat says init until initdead passed, dead after (we are past init then).
  return r.self.role === 'init' ? 'init' : 'dead';
}

/** Links by Heartbeat name with up/dead, as seen for `node` (several twinbeat links on one name: up if any is). */
function linksOf(r: StatusReport, node: string): Map<string, 'up' | 'dead'> {
  const up = (l: LinkView) => (node === r.self.name ? l.mediumDown === null : l.state === 'up' || l.state === 'late');
  const links = new Map<string, 'up' | 'dead'>();
  for (const l of r.links) {
    const name = heartbeatLinkName(l.name);
    if (links.get(name) !== 'up') links.set(name, up(l) ? 'up' : 'dead');
  }
  return links;
}

function rscStatus(r: StatusReport): string {
  if (r.self.role === 'transition' || r.groups.some((g) => g.phase === 'starting' || g.phase === 'stopping')) return 'transition';
  const holds = (owned: boolean) => r.groups.some((g) => (g.owner === r.self.name) === owned && g.phase !== 'stopped');
  const local = holds(true);
  const foreign = holds(false);
  return local && foreign ? 'all' : local ? 'local' : foreign ? 'foreign' : 'none';
}

function nodes(r: StatusReport): string[] {
  return [r.self.name, r.peer.name].sort();
}

/** cl_status without a sub-command, or with only -h: its help on stdout, exit 0. */
function help(): ClStatusAnswer {
  return answer(`${clStatusUsage()}\n`);
}

function verboseNodes(r: StatusReport): string {
  return nodes(r)
    .map((n) => `\n${n}\t${nodeStatus(r, n)}\t(nodetype: normal)\n${[...linksOf(r, n)].map(([l, s]) => `\t${l}\t${s}\n`).join('')}`)
    .join('');
}

/** The daemon runs but would not answer us (e.g. the control socket's group excludes this user). */
export interface Refused {
  refused: string;
}

/**
 * cl_status for `argv` (without the program name). `state` is the daemon's report, null when it
 * is not running, or why it refused the request.
 */
export function clStatus(argv: readonly string[], state: StatusReport | null | Refused): ClStatusAnswer {
  // Like cl_status: the sub-command is the first word; getopt then reads the options of that
  // sub-command anywhere after it.
  if (argv.length === 0 || (argv.length === 1 && argv[0] === '-h')) return help();
  const [sub, ...rest] = argv;
  const known = CL_STATUS_SUBCOMMANDS.find((s) => s.name === sub);
  if (known === undefined) return failure(`${sub}: invalid sub-command.\n${clStatusUsage()}`, CL_STATUS_EXIT.usage);
  const refused = state !== null && 'refused' in state ? state.refused : null;
  const report = refused === null ? (state as StatusReport | null) : null;
  // cl_status signs on before it reads the sub-command's options: without a daemon every
  // sub-command but hbstatus fails with exit 1, whatever its arguments.
  const notSignedOn = () => failure(`Cannot signon with heartbeat\nREASON: ${refused ?? 'twinbeat is not running'}`, CL_STATUS_EXIT.failed);
  if (sub !== 'hbstatus' && report === null) return notSignedOn();
  const flags = new Set<string>();
  const params: string[] = [];
  for (const arg of rest) {
    if (/^-[a-zA-Z]+$/.test(arg)) {
      const wrong = [...arg.slice(1)].find((f) => !known.options.includes(f));
      if (wrong !== undefined) return failure(`cl_status: invalid option -- '${wrong}'`, CL_STATUS_EXIT.usage);
      for (const f of arg.slice(1)) flags.add(f);
    } else if (arg.startsWith('-') && arg !== '-') return failure(`cl_status: invalid option ${JSON.stringify(arg.slice(0, 40))}`, CL_STATUS_EXIT.usage);
    else params.push(arg);
  }
  const needed = known.args.split(' ').filter((a) => /^[A-Z]+$/.test(a)).length;
  if (params.length < needed) return failure(known.missing ?? 'Not enough parameters.', CL_STATUS_EXIT.usage);
  const human = flags.has('m');

  if (sub === 'hbstatus') {
    // -v adds why the daemon could not be asked, in parentheses, as cl_status does.
    const why = flags.has('v') ? `(${refused ?? 'twinbeat is not running'})\n` : '';
    if (refused !== null) return answer(`Heartbeat is apparently running on this machine, but refuses my connection\n${why}`);
    if (report === null) return answer(`Heartbeat is stopped on this machine.\n${why}`, CL_STATUS_EXIT.failed);
    if (!flags.has('v')) return answer('Heartbeat is running on this machine.\n');
    const version = `twinbeat ${report.daemon.version}`;
    const head = human ? `Heartbeat version ${version}\nResources controlled by "haresources"\n` : `version:\t${version}\nmanaged by:\t"haresources"\n`;
    return answer(`${head}${verboseNodes(report)}`);
  }
  if (report === null) return notSignedOn();

  switch (sub) {
    case 'listnodes': {
      // -p and -n together list every node, as in cl_status.
      if (flags.has('p') && !flags.has('n')) return answer('');
      if (flags.has('v')) return answer(verboseNodes(report));
      return answer(`${human ? 'The nodes are as follow:\n' : ''}${nodes(report).join('\n')}\n`);
    }
    case 'nodestatus': {
      const node = params[0]!.toLowerCase();
      const status = nodeStatus(report, node);
      if (status === null) return failure('Error. May be due to incorrect node name', CL_STATUS_EXIT.usage);
      const ok = status === 'active' || status === 'up';
      return answer(human ? `The cluster node ${node} is ${status}\n` : `${status}\n`, ok ? CL_STATUS_EXIT.ok : CL_STATUS_EXIT.failed);
    }
    case 'rscstatus': {
      const held = rscStatus(report);
      return answer(human ? `This node is holding ${held} resources.\n` : `${held}\n`);
    }
    case 'listhblinks': {
      const node = params[0]!.toLowerCase();
      if (nodeStatus(report, node) === null) return failure(`Cannot start heartbeat link interface walk.\nREASON: unknown node ${node.slice(0, 64)}`, CL_STATUS_EXIT.unknown);
      const lines = [...linksOf(report, node)].map(([l, s]) => (flags.has('v') ? `\t${l}\t${s}\n` : `\t${l}\n`));
      return answer(`${human ? '\tthis node has the following heartbeat links:\n' : ''}${lines.join('')}`);
    }
    default: {
      // hblinkstatus NODE LINK: the Heartbeat name (eth0) or twinbeat's full link name.
      const node = params[0]!.toLowerCase();
      const link = params[1]!;
      const links = nodeStatus(report, node) === null ? new Map<string, string>() : linksOf(report, node);
      const full = report.links.find((l) => l.name === link);
      const status = links.get(full !== undefined ? heartbeatLinkName(full.name) : link);
      if (status === undefined) return failure(`Cannot get heartbeat link status\nREASON: no link ${link.slice(0, 64)} to node ${node.slice(0, 64)}`, CL_STATUS_EXIT.unknown);
      return answer(human ? `The node ${node}'s heartbeat link ${link} is ${status}\n` : `${status}\n`, status === 'up' ? CL_STATUS_EXIT.ok : CL_STATUS_EXIT.failed);
    }
  }
}
