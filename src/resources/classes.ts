// The four script conventions twinbeat runs, normalised at the edge to one Outcome
// (cluster-glue lrm/raexec{hb,lsb,ocf}.c: one argv builder and one result mapper per class).
//   heartbeat  resource.d scripts: `script arg1 arg2 ACTION`; status is judged from stdout.
//   lsb        init.d scripts: `script ACTION`; status by LSB exit code (0 running, 1-3 stopped).
//   ocf        `script ACTION` with parameters in OCF_RESKEY_*; the OCF exit-code table.
//   systemd    `systemctl start|stop|is-active -- UNIT`; is-active read like LSB status.
// Pure: builds argv and environment, maps exits; runs nothing.
import { createHash } from 'node:crypto';
import type { ResourceSpec } from '../config/types.js';
import type { Outcome, ResourceAction } from '../core/types.js';

export type ScriptClass = ResourceSpec['class'];

/**
 * What a script can be asked: the daemon's actions, plus the two OCF actions only resource-test
 * runs (an OCF agent describes itself with meta-data and checks its parameters with validate-all).
 */
export type ScriptAction = ResourceAction | 'meta-data' | 'validate-all';

/** The actions a class has besides start, stop and status (resource-test runs them). */
export function extraActions(cls: ScriptClass): ('meta-data' | 'validate-all')[] {
  return cls === 'ocf' ? ['meta-data', 'validate-all'] : [];
}

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

/**
 * The action word the script receives: heartbeat and LSB scripts know `status`, OCF `monitor`,
 * systemctl `is-active`.
 */
export function actionWord(cls: ScriptClass, action: ScriptAction): string {
  if (action === 'monitor' || action === 'status') return cls === 'ocf' ? 'monitor' : cls === 'systemd' ? 'is-active' : 'status';
  return action;
}

/**
 * argv and environment for one action. Every class but systemd gets OCF_ROOT, as Heartbeat
 * exported it to all its scripts (its own resource.d wrappers source OCF agents through it).
 * `timeoutMs` reaches OCF agents as OCF_RESKEY_CRM_meta_timeout, as Pacemaker passes it.
 */
export function buildInvocation(spec: Pick<ResourceSpec, 'id' | 'script' | 'args' | 'class'>, action: ScriptAction, ocfRoot: string, timeoutMs?: number): Invocation {
  const word = actionWord(spec.class, action);
  if (spec.class === 'heartbeat') return { args: [...spec.args, word], env: { OCF_ROOT: ocfRoot } };
  if (spec.class === 'lsb') return { args: [word], env: { OCF_ROOT: ocfRoot } };
  if (spec.class === 'systemd') {
    // `--` ends systemctl's options: whatever the unit name, it is never read as one.
    const unit = spec.script.slice('systemd:'.length);
    return { args: word === 'is-active' ? ['is-active', '--', unit] : ['--no-ask-password', word, '--', unit], env: {} };
  }
  const env = ocfEnv(spec, ocfRoot);
  if (timeoutMs !== undefined && Number.isFinite(timeoutMs)) env['OCF_RESKEY_CRM_meta_timeout'] = String(Math.round(timeoutMs));
  return { args: [word], env };
}

/** Longest OCF_RESOURCE_INSTANCE: agents build file names from it (HA_RSCTMP/TYPE-INSTANCE.state). */
const longestInstance = 128;

/**
 * The resource's id in the one alphabet agents can put in a file name; a long id keeps its head
 * and gets a hash of the whole, so two long ids never share a state file.
 */
export function ocfInstance(id: string): string {
  const plain = id.replace(/[^A-Za-z0-9_.-]/g, '_');
  if (plain.length <= longestInstance) return plain;
  return `${plain.slice(0, longestInstance - 17)}-${createHash('sha256').update(id).digest('hex').slice(0, 16)}`;
}

/**
 * OCF agents take parameters from the environment, not argv. A `name=value` argument becomes
 * OCF_RESKEY_name; a bare positional argument becomes OCF_RESKEY_argN (1-based), so a
 * haresources line `myagent::ip=10.0.0.5::eth0` still reaches the agent. An `ocf:PROVIDER:TYPE`
 * name gives OCF_RESOURCE_TYPE and OCF_RESOURCE_PROVIDER; a resource.d script is its own type.
 */
function ocfEnv(spec: Pick<ResourceSpec, 'id' | 'script' | 'args'>, ocfRoot: string): Record<string, string> {
  const named = /^ocf:([^:]+):(.+)$/.exec(spec.script);
  const env: Record<string, string> = {
    OCF_ROOT: ocfRoot,
    OCF_RA_VERSION_MAJOR: '1',
    OCF_RA_VERSION_MINOR: '1',
    OCF_RESOURCE_TYPE: named ? named[2]! : spec.script,
    OCF_RESOURCE_PROVIDER: named ? named[1]! : 'heartbeat',
    OCF_RESOURCE_INSTANCE: ocfInstance(spec.id),
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

/**
 * systemctl's answers: is-active like an LSB status (0 active; 3 inactive, failed or unknown);
 * start and stop 0 or failed, except that stopping a unit systemd has not loaded (exit 5) is a
 * success (nothing of it can run) while starting one is not-installed.
 */
function judgeSystemctl(word: string, code: number): { outcome: Outcome; text: string } {
  if (word === 'is-active') return lsbStatusMeaning[code] ?? { outcome: 'failed', text: 'unknown exit code' };
  if (code === 0) return { outcome: 'ok', text: 'success' };
  if (code === 5) return word === 'stop' ? { outcome: 'ok', text: 'unit not loaded: nothing to stop' } : { outcome: 'not-installed', text: 'unit not loaded' };
  return { outcome: 'failed', text: 'systemctl failed' };
}

/** Map a finished script to an Outcome and a short reason, per class and action. */
export function judge(cls: ScriptClass, action: ScriptAction, exit: Exit, stdout: string, stderr: string): Judgement {
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
  } else if (cls === 'systemd') {
    ({ outcome, text } = judgeSystemctl(word, exit.code));
    text = `systemctl ${word}: exit ${exit.code} (${text})`;
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
