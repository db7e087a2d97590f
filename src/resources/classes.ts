// The three script conventions twinbeat runs, normalised at the edge to one Outcome
// (cluster-glue lrm/raexec{hb,lsb,ocf}.c: one argv builder and one result mapper per class).
//   heartbeat  resource.d scripts: `script arg1 arg2 ACTION`; status is judged from stdout.
//   lsb        init.d scripts: `script ACTION`; status by LSB exit code (0 running, 1-3 stopped).
//   ocf        `script ACTION` with parameters in OCF_RESKEY_*; the OCF exit-code table.
import type { ResourceSpec } from '../config/types.js';
import type { Outcome, ResourceAction } from '../core/types.js';

export type ScriptClass = ResourceSpec['class'];

export interface Invocation {
  args: string[];
  env: Record<string, string>;
}

export interface Exit {
  code: number | null;
  signal: string | null;
}

export interface Judgement {
  outcome: Outcome;
  reason: string;
}

/** The action word the script receives: heartbeat and LSB scripts know `status`, OCF `monitor`. */
export function actionWord(cls: ScriptClass, action: ResourceAction): string {
  if (action === 'monitor' || action === 'status') return cls === 'ocf' ? 'monitor' : 'status';
  return action;
}

/**
 * argv and environment for one action. Every class gets OCF_ROOT, as Heartbeat exported it to
 * all its scripts (its own resource.d wrappers source OCF agents through it).
 */
export function buildInvocation(spec: Pick<ResourceSpec, 'id' | 'script' | 'args' | 'class'>, action: ResourceAction, ocfRoot: string): Invocation {
  const word = actionWord(spec.class, action);
  if (spec.class === 'heartbeat') return { args: [...spec.args, word], env: { OCF_ROOT: ocfRoot } };
  if (spec.class === 'lsb') return { args: [word], env: { OCF_ROOT: ocfRoot } };
  return { args: [word], env: ocfEnv(spec, ocfRoot) };
}

/**
 * OCF agents take parameters from the environment, not argv. A `name=value` argument becomes
 * OCF_RESKEY_name; a bare positional argument becomes OCF_RESKEY_argN (1-based), so a
 * haresources line `myagent::ip=10.0.0.5::eth0` still reaches the agent.
 */
function ocfEnv(spec: Pick<ResourceSpec, 'id' | 'script' | 'args'>, ocfRoot: string): Record<string, string> {
  const env: Record<string, string> = {
    OCF_ROOT: ocfRoot,
    OCF_RA_VERSION_MAJOR: '1',
    OCF_RA_VERSION_MINOR: '1',
    OCF_RESOURCE_TYPE: spec.script,
    OCF_RESOURCE_INSTANCE: spec.id.replace(/[^A-Za-z0-9_.-]/g, '_'),
  };
  spec.args.forEach((arg, i) => {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(arg);
    if (m) env[`OCF_RESKEY_${m[1]}`] = m[2]!;
    else env[`OCF_RESKEY_arg${i + 1}`] = arg;
  });
  return env;
}

/** The exit codes shared by LSB init scripts (non-status actions) and OCF agents. */
const exitCodeMeaning: Record<number, { outcome: Outcome; text: string }> = {
  0: { outcome: 'ok', text: 'success' },
  1: { outcome: 'failed', text: 'generic error' },
  2: { outcome: 'not-configured', text: 'invalid arguments' },
  3: { outcome: 'failed', text: 'unimplemented feature' },
  4: { outcome: 'failed', text: 'insufficient privileges' },
  5: { outcome: 'not-installed', text: 'not installed' },
  6: { outcome: 'not-configured', text: 'not configured' },
  7: { outcome: 'not-running', text: 'not running' },
};

const lsbStatusMeaning: Record<number, { outcome: Outcome; text: string }> = {
  0: { outcome: 'ok', text: 'running' },
  1: { outcome: 'not-running', text: 'dead, but pid file exists' },
  2: { outcome: 'not-running', text: 'dead, but lock file exists' },
  3: { outcome: 'not-running', text: 'not running' },
  4: { outcome: 'failed', text: 'status unknown' },
};

/**
 * Heartbeat's ResourceManager `we_own_resource` / raexechb.c: stdout mentioning "not ...
 * running" or "stopped" means stopped; "running" or "OK" means running; anything else, stopped.
 * The exit code is ignored, as Heartbeat ignored it.
 */
export function heartbeatStatusFromStdout(stdout: string): Outcome {
  if (/not\s[\s\S]*running|stopped/i.test(stdout)) return 'not-running';
  if (/running/i.test(stdout) || stdout.includes('OK')) return 'ok';
  return 'not-running';
}

/** The text of the last `ocf-exit-reason:` line on stderr (any class may print one), or ''. */
export function ocfExitReason(stderr: string): string {
  let reason = '';
  for (const line of stderr.split('\n')) {
    const at = line.indexOf('ocf-exit-reason:');
    if (at >= 0) reason = line.slice(at + 'ocf-exit-reason:'.length).trim();
  }
  return reason;
}

function lastLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.includes('ocf-exit-reason:'));
  return (lines[lines.length - 1] ?? '').slice(0, 200);
}

/** Map a finished script to an Outcome and a short reason, per class and action. */
export function judge(cls: ScriptClass, action: ResourceAction, exit: Exit, stdout: string, stderr: string): Judgement {
  const word = actionWord(cls, action);
  const told = ocfExitReason(stderr);
  if (exit.code === null) {
    return { outcome: 'failed', reason: told || `${word} killed by ${exit.signal ?? 'a signal'}` };
  }
  let outcome: Outcome;
  let text: string;
  if (cls === 'heartbeat' && word === 'status') {
    outcome = heartbeatStatusFromStdout(stdout);
    text = `printed ${JSON.stringify(lastLine(stdout) || '(nothing)')}`;
  } else if (cls === 'heartbeat') {
    outcome = exit.code === 0 ? 'ok' : 'failed';
    text = `exit ${exit.code}`;
  } else {
    const table = cls === 'lsb' && word === 'status' ? lsbStatusMeaning : exitCodeMeaning;
    const meaning = table[exit.code] ?? { outcome: 'failed' as Outcome, text: 'unknown exit code' };
    outcome = meaning.outcome;
    text = `exit ${exit.code} (${meaning.text})`;
  }
  if (told) return { outcome, reason: told };
  if (outcome === 'ok') return { outcome, reason: '' };
  const detail = outcome === 'not-running' ? '' : lastLine(stderr);
  return { outcome, reason: detail ? `${word}: ${text}: ${detail}` : `${word}: ${text}` };
}
