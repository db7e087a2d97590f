// The one result type every resource-script invocation turns into, whatever its class
// (heartbeat, LSB, OCF). The core only ever sees `outcome`.

export type ResourceAction = 'start' | 'stop' | 'status' | 'monitor';

export type Outcome =
  | 'ok' // start/stop succeeded; status/monitor: running
  | 'not-running' // status/monitor: cleanly stopped
  | 'failed' // anything else: generic error, bad exit code, killed
  | 'timed-out' // killed by the runner after the action's timeout
  | 'not-installed' // script missing, not executable, or refused as unsafe
  | 'not-configured'; // OCF 2/6: arguments or configuration wrong

export interface ScriptResult {
  outcome: Outcome;
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  /** Short human reason for status: the `ocf-exit-reason:` line, the refusal, the timeout. */
  reason: string;
  stdout: string;
  stderr: string;
}
