// The one result type every resource-script invocation turns into, whatever its class
// (heartbeat, LSB, OCF). The core only ever sees `outcome`; the Outcome and ResourceAction
// vocabulary is the core's (src/core/types.ts). Pure.

import type { Outcome } from '../core/types.js';

export interface ScriptResult {
  outcome: Outcome;
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  /** Short human reason for status: the `ocf-exit-reason:` line, the refusal, the timeout. */
  reason: string;
  stdout: string;
  stderr: string;
  /**
   * The script exited but a process it started still held these output pipes open when the
   * result was taken (a daemon started without redirecting its output), and the pids left in
   * the script's process group. Absent when the pipes closed with the script.
   */
  heldOutput?: { streams: ('stdout' | 'stderr')[]; pids: number[] };
}

/** One sentence for a script that left a process holding its output (ScriptResult.heldOutput). */
export function heldOutputWarning(what: string, held: NonNullable<ScriptResult['heldOutput']>): string {
  const who = held.pids.length > 0 ? ` (pid ${held.pids.join(', ')} still in its process group)` : '';
  return `${what}: the script exited but a process it started still holds its ${held.streams.join(' and ')}${who}; start daemons with their output redirected (>/dev/null 2>&1 or a log file) and detached (setsid), or a later timeout kills them with the script's group`;
}
