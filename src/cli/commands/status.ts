// `twinbeat status`: the running daemon's status report, and a health verdict a monitor can act
// on (status-health.ts) as the exit code: 0 healthy, 1 degraded, 2 critical, 3 unknown (not
// running or unreachable). `--check` prints one Nagios plugin line; `--json` always prints one
// JSON document, also when there is no report. Asks the control socket, and the read-only status
// socket (tb_status_group) when the control socket cannot be used.
import { type CliCommand, type GlobalOptions, type Io } from '../command.js';
import { parseCommandArgs } from '../args.js';
import { runtimePaths, UnreadableConfigError } from '../runtime-paths.js';
import { controlRequest, ControlError } from '../../daemon/control.js';
import { statusSocketPath } from '../../daemon/status-socket.js';
import { renderStatusHuman } from '../format.js';
import { assessStatus, nagiosLine, oneLine, HEALTH_EXIT, type Health } from '../status-health.js';
import type { StatusReport } from '../../daemon/status-report.js';

export const STATUS_TIMEOUT_MS = 10_000;

const help = `usage: twinbeat status [--json | --check]

Shows this node and its peer (role, standby, generation, when the peer was last heard), whether
both run the same configuration (digest), who holds which resource group, each link's state
(init/up/late/dead), last-heard age, frame counts, inter-arrival times and drop counters, and a
health verdict.
--json   the same as one JSON document (stable field names, JSON Schema status.schema.json;
         see README "Reading twinbeat status"), also when the daemon is not running
--check  one Nagios plugin line: TWINBEAT OK|WARNING|CRITICAL|UNKNOWN - why | perfdata
Exit status (status only; README "Reading twinbeat status"):
  0 healthy
  1 degraded: peer or a link not up, a medium down, configuration drift, a group failed or
    failed to stop here (or the peer reports a failed stop), starting up, either node in
    standby, an uplink target lost here or a lower uplink score on the peer
  2 critical: split brain, or a group runs nowhere although the pair is past start-up
    (with the reason when nobody may hold it)
  3 unknown: the daemon is not running or cannot be asked (permission, timeout); also a usage
    error (not the CLI-wide 2, which a monitoring system would read as CRITICAL)`;

/** Why there is no report: `running` false when no daemon answers, null when it may run. */
export interface NoReport {
  running: false | null;
  error: 'not-running' | 'permission' | 'timeout' | 'protocol' | 'config' | 'refused';
  reason: string;
}

/** The report from the control socket, else from the read-only status socket. */
export async function fetchStatus(configDir: string): Promise<StatusReport | NoReport> {
  let controlSocket: string;
  try {
    controlSocket = runtimePaths(configDir).controlSocket;
  } catch (err) {
    if (!(err instanceof UnreadableConfigError)) throw err;
    return { running: null, error: 'config', reason: err.message };
  }
  const first = await askStatus(controlSocket);
  if (!isNoReport(first) || (first.error !== 'permission' && first.error !== 'not-running')) return first;
  const second = await askStatus(statusSocketPath(controlSocket));
  // Neither answered: say why in the control socket's words, unless only the status socket exists.
  if (isNoReport(second) && (second.error === 'not-running' || first.error === 'permission')) return first;
  return second;
}

async function askStatus(path: string): Promise<StatusReport | NoReport> {
  try {
    const response = await controlRequest(path, { cmd: 'status' }, STATUS_TIMEOUT_MS);
    if (!response.ok) return { running: null, error: 'refused', reason: response.error };
    return response.data as StatusReport;
  } catch (err) {
    if (!(err instanceof ControlError)) throw err;
    return { running: err.kind === 'not-running' ? false : null, error: err.kind, reason: err.message };
  }
}

export function isNoReport(x: StatusReport | NoReport): x is NoReport {
  return 'error' in x && 'reason' in x && !('version' in x);
}

/** `status --json` when there is a report: the report with `running` and `health` in front. */
export function statusJson(report: StatusReport, health: Health): string {
  return `${JSON.stringify({ running: true, health, ...report }, null, 2)}\n`;
}

export const statusCommand: CliCommand = {
  name: 'status',
  summary: 'show roles, resources, links and counters of the running daemon; exit code = health',
  help,
  async run(global: GlobalOptions, args: string[], io: Io) {
    const wantsJson = global.json || args.includes('--json');
    // A usage error is UNKNOWN (3), not the CLI-wide 2: status's exit code is a health verdict,
    // and a mistyped monitoring check must not page anyone as CRITICAL. It still answers in
    // the form asked for (JSON, or one plugin line on stdout): scripts and Nagios read stdout.
    const usageIo: Io = wantsJson
      ? { out: io.out, err: (text) => io.out(`${JSON.stringify({ running: null, error: 'usage', reason: text.trim() })}\n`) }
      : args.includes('--check')
        ? { out: io.out, err: (text) => (io.out(`TWINBEAT UNKNOWN - ${oneLine(text.trim().split('\n')[0]!)}\n`), io.err(text)) }
        : io;
    const parsed = parseCommandArgs(args, { flags: { '--json': 'json', '--check': 'check' } }, usageIo, 'status', help);
    if (typeof parsed === 'number') return HEALTH_EXIT.unknown;
    const check = parsed.flags.has('check');
    if (check && wantsJson) {
      usageIo.err('twinbeat status: --check and --json exclude each other\n');
      return HEALTH_EXIT.unknown;
    }
    const report = await fetchStatus(global.configDir);
    if (isNoReport(report)) {
      if (wantsJson) io.out(`${JSON.stringify(report, null, 2)}\n`);
      else if (check) io.out(`TWINBEAT UNKNOWN - ${oneLine(report.reason)}\n`);
      else io.err(`twinbeat status: ${report.reason}\n`);
      return HEALTH_EXIT.unknown;
    }
    const health = assessStatus(report);
    if (wantsJson) io.out(statusJson(report, health));
    else if (check) io.out(`${nagiosLine(report, health)}\n`);
    else {
      const why = health.problems.map((p) => `${p.level === 'critical' ? 'CRITICAL ' : ''}${p.text}`).join('; ');
      io.out(`${renderStatusHuman(report)}health ${health.level.toUpperCase()}${why ? `: ${why}` : ''}\n`);
    }
    return health.code;
  },
};
