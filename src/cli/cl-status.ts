#!/usr/bin/env node
// The `cl_status` shim install.sh installs for monitoring written for Heartbeat: runs
// `twinbeat status --json` (the twinbeat CLI next to this file, or $TWINBEAT) and answers as
// Heartbeat 3.0.6's cl_status does (heartbeat-compat.ts). Configuration directory: $TWINBEAT_CONFIG
// or twinbeat's default. Like cl_status, gives up after 5 s with exit 12. Touches nothing.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CL_STATUS_EXIT, clStatus, type ClStatusAnswer, type Refused } from './heartbeat-compat.js';
import type { StatusReport } from '../daemon/status-report.js';

const TIMEOUT_MS = 5000;
/**
 * `twinbeat status --json` prints JSON whatever happens: a report (`running: true`, exit 0/1/2 =
 * the pair's health), `running: false` (not running, exit 3), or `running: null` with an
 * `error` (permission, timeout, refused…: a daemon may run but could not be asked, exit 3).
 */
type NoReport = { running: false | null; error: string; reason: string };
const NOT_RUNNING = 3;

type Fetched = { report: StatusReport | null | Refused } | { error: ClStatusAnswer };

function fetchReport(): Promise<Fetched> {
  const own = fileURLToPath(new URL('./main.js', import.meta.url));
  const [command, prefix] = process.env.TWINBEAT ? [process.env.TWINBEAT, []] : [process.execPath, [own]];
  const config = process.env.TWINBEAT_CONFIG ? ['-c', process.env.TWINBEAT_CONFIG] : [];
  return new Promise((resolve) => {
    execFile(command, [...prefix, ...config, 'status', '--json'], { timeout: TIMEOUT_MS, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err !== null && err.killed) return resolve({ error: { out: '', err: 'cl_status: timed out waiting for twinbeat\n', code: CL_STATUS_EXIT.timeout } });
      let parsed: unknown = null;
      try {
        parsed = JSON.parse(stdout);
      } catch {
        // not JSON: not an answer of ours
      }
      const unreadable = () =>
        resolve({ error: { out: '', err: `cl_status: cannot read twinbeat's status: ${(stderr || (err?.message ?? 'not a status report')).trim()}\n`, code: CL_STATUS_EXIT.unknown } });
      const report = parsed as (StatusReport & { running?: boolean }) | NoReport | null;
      // No JSON at all: a twinbeat before status --json answered without a daemon; 3 is "not running".
      if (report === null || typeof report !== 'object') return err !== null && err.code === NOT_RUNNING ? resolve({ report: null }) : unreadable();
      if (report.running === false) return resolve({ report: null });
      // e.g. "permission denied" on the control socket: Heartbeat's "refuses my connection".
      if (report.running === null && 'reason' in report) return resolve({ report: { refused: report.reason.split('\n')[0]!.slice(0, 300) } });
      const isReport = typeof (report as StatusReport).self?.name === 'string' && Array.isArray((report as StatusReport).groups) && Array.isArray((report as StatusReport).links);
      if (isReport) return resolve({ report: report as StatusReport });
      unreadable();
    });
  });
}

const fetched = await fetchReport();
const result = 'error' in fetched ? fetched.error : clStatus(process.argv.slice(2), fetched.report);
process.stderr.write(result.err);
process.stdout.write(result.out, () => process.exit(result.code));
