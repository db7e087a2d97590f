// Heartbeat's `realtime on` (its default): heartbeats must leave on time even when the machine
// is saturated, or a busy primary looks dead to its backup. The daemon moves every one of its
// threads to SCHED_FIFO at `rtprio` with SCHED_RESET_ON_FORK, so threads and child processes
// created later — resource scripts, hooks, ping — start at normal priority: a runaway start
// script must not be able to starve the machine with our priority.
//
// Node.js has no sched_setscheduler binding; util-linux `chrt` does the system call on our PID.
// Call this after the libuv thread pool is up (any fs or serial I/O starts it), so its threads
// — which read the serial port and write the state file — are covered too.
import { execFile } from 'node:child_process';
import type { Logger } from './logger.js';

export interface RealtimeResult {
  ok: boolean;
  /** What happened, for the log. */
  detail: string;
}

/** All of pid's threads to SCHED_FIFO rtprio; what they start later runs at normal priority. */
export function chrtArgs(pid: number, rtprio: number): string[] {
  return ['--all-tasks', '--reset-on-fork', '--fifo', '--pid', String(rtprio), String(pid)];
}

export function enterRealtime(rtprio: number, log: Logger, pid = process.pid): Promise<RealtimeResult> {
  return new Promise((resolve) => {
    execFile('chrt', chrtArgs(pid, rtprio), { timeout: 5000 }, (err, _stdout, stderr) => {
      if (err === null) {
        const detail = `running under SCHED_FIFO priority ${rtprio}; scripts run at normal priority`;
        log.info('realtime', detail, { rtprio });
        resolve({ ok: true, detail });
        return;
      }
      const why = (stderr.trim() || err.message).split('\n')[0];
      const detail = `realtime is on but the priority could not be raised (${why}): running at normal priority, so heavy CPU load can delay heartbeats; run as root (or with CAP_SYS_NICE) or set "realtime off"`;
      log.warn('realtime-failed', detail, { rtprio });
      resolve({ ok: false, detail });
    });
  });
}
