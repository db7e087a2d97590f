// `twinbeat resource-test NAME [ARGS...]`: the black-box check a script author runs before
// putting a script in haresources (the sequence of resource-agents' ocf-tester): status, start,
// status, start again, stop, status, stop again, each answer checked against what twinbeat
// needs. It drives the same ScriptRunner the daemon uses, so a pass here means the daemon will
// read the script the same way.
import { basename } from 'node:path';
import type { CliCommand, GlobalOptions, Io } from '../command.js';
import { ExitCode } from '../command.js';
import type { ResourceSpec } from '../../config/types.js';
import { ADDRESS_SCRIPTS } from '../../config/haresources.js';
import type { Outcome, ResourceAction } from '../../core/types.js';
import type { ScriptResult } from '../../resources/result.js';
import { ScriptRunner } from '../../resources/runner.js';
import { checkScriptSafety, notFoundReason, resolveScript, scriptSearchPath } from '../../resources/locate.js';
import type { ScriptClass } from '../../resources/classes.js';

export interface ResourceTestDeps {
  searchPath?: string[];
  /** Extra environment for the script (tests point TB_RUN_DIR at a temp directory). */
  env?: Record<string, string>;
  runner?: ScriptRunner;
}

interface Step {
  action: ResourceAction;
  expect: Outcome;
  /** What the step checks, in the report. */
  what: string;
}

const steps: Step[] = [
  { action: 'status', expect: 'not-running', what: 'status before start: stopped' },
  { action: 'start', expect: 'ok', what: 'start' },
  { action: 'status', expect: 'ok', what: 'status after start: running' },
  { action: 'start', expect: 'ok', what: 'start again (idempotent)' },
  { action: 'stop', expect: 'ok', what: 'stop' },
  { action: 'status', expect: 'not-running', what: 'status after stop: stopped' },
  { action: 'stop', expect: 'ok', what: 'stop again (idempotent)' },
];

const help = `usage: twinbeat resource-test [--timeout DURATION] [--class heartbeat|lsb|ocf] NAME [ARGS...]

Runs a resource script through the sequence twinbeat relies on and reports each step:
  status (expect stopped), start, status (expect running), start again, stop,
  status (expect stopped), stop again.
Exit status 0 only if every step passes. The resource must not be running when the test
starts (the test would stop it): the first step refuses to go on if it is.

NAME     a script name, searched in twinbeat's resources.d, DIR/resource.d (-c DIR),
         /etc/ha.d/resource.d, /etc/init.d; or a path to a script; or a haresources entry
         such as IPaddr::10.0.0.5/24/eth0 or a bare IP (which means IPaddr::IP)
ARGS     arguments as in haresources; \`a::b\` is split into two arguments
--timeout DURATION   per action, e.g. 20s, 500ms, or seconds (default 20s)
--class CLASS        calling convention (default: lsb for init.d scripts, heartbeat otherwise)

Example: twinbeat resource-test Dummy web
         twinbeat resource-test IPaddr 10.0.0.5/24/eth0`;

export function createResourceTestCommand(deps: ResourceTestDeps = {}): CliCommand {
  return {
    name: 'resource-test',
    summary: 'check a resource script: start/stop idempotence and status answers',
    help,
    run: (global, args, io) => runResourceTest(deps, global, args, io),
  };
}

export const resourceTestCommand: CliCommand = createResourceTestCommand();

interface Parsed {
  name: string;
  args: string[];
  timeoutMs: number;
  cls: ScriptClass | null;
}

function parseArgs(argv: string[]): Parsed | string {
  let timeoutMs = 20_000;
  let cls: ScriptClass | null = null;
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--timeout') {
      const ms = parseDuration(argv[++i] ?? '');
      if (ms === null) return `--timeout expects a duration like 20s or 500ms, got ${JSON.stringify(argv[i] ?? '')}`;
      timeoutMs = ms;
    } else if (a === '--class') {
      const c = argv[++i] ?? '';
      if (c !== 'heartbeat' && c !== 'lsb' && c !== 'ocf') return `--class expects heartbeat, lsb or ocf, got ${JSON.stringify(c)}`;
      cls = c;
    } else if (a.startsWith('-') && words.length === 0) {
      return `unknown option ${a}`;
    } else {
      words.push(a);
    }
  }
  if (words.length === 0) return 'missing NAME';
  // haresources spelling: NAME::arg::arg, a bare IP meaning IPaddr::IP, and `a::b` arguments.
  const [first, ...rest] = words.flatMap((w) => w.split('::'));
  const bareIp = /^\d{1,3}(\.\d{1,3}){3}(\/|$)/.test(first!);
  if (bareIp) return { name: 'IPaddr', args: [first!, ...rest], timeoutMs, cls };
  // An address script's one argument keeps an IPv6 literal's own `::` (as haresources does).
  if (ADDRESS_SCRIPTS.includes(first!) && rest.length > 0) return { name: first!, args: [words.join('::').slice(first!.length + 2)], timeoutMs, cls };
  return { name: first!, args: rest, timeoutMs, cls };
}

/** `20s`, `500ms`, or plain seconds. */
function parseDuration(text: string): number | null {
  const m = /^(\d+)(ms|s)?$/.exec(text);
  if (!m) return null;
  const n = Number(m[1]);
  const ms = m[2] === 'ms' ? n : n * 1000;
  return ms > 0 ? ms : null;
}

async function runResourceTest(deps: ResourceTestDeps, global: GlobalOptions, argv: string[], io: Io): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(help + '\n');
    return ExitCode.ok;
  }
  const parsed = parseArgs(argv);
  if (typeof parsed === 'string') {
    io.err(`twinbeat resource-test: ${parsed}\n${help.split('\n')[0]}\n`);
    return ExitCode.usage;
  }
  const searchPath = deps.searchPath ?? scriptSearchPath(global.configDir);
  const located = resolveScript(parsed.name, searchPath);
  if (!located) {
    io.err(`twinbeat resource-test: ${parsed.name.includes('/') ? `${parsed.name}: not an executable file` : notFoundReason(parsed.name, searchPath)}\n`);
    return ExitCode.failed;
  }
  const safety = checkScriptSafety(located.path);
  if (!safety.ok) {
    io.err(`twinbeat resource-test: ${safety.reason}\n`);
    return ExitCode.failed;
  }
  const script = basename(parsed.name);
  const spec: ResourceSpec = {
    id: [script, ...parsed.args].join('::'),
    script,
    args: parsed.args,
    path: located.path,
    class: parsed.cls ?? located.class,
  };
  const runner = deps.runner ?? new ScriptRunner();
  const say = (line: string) => {
    if (!global.json) io.out(line + '\n');
  };
  say(`resource-test ${spec.id}: ${spec.path} (${spec.class} class, timeout ${parsed.timeoutMs} ms per action)`);

  const results: StepResult[] = [];
  for (const [i, step] of steps.entries()) {
    const r = await runner.run(spec, step.action, { timeoutMs: parsed.timeoutMs, ...(deps.env ? { env: deps.env } : {}) });
    const result: StepResult = { step: i + 1, ...step, outcome: r.outcome, pass: r.outcome === step.expect, durationMs: r.durationMs, reason: why(r) };
    results.push(result);
    say(formatStep(result));
    if (i === 0 && !result.pass) {
      say(
        r.outcome === 'ok'
          ? 'stopping here: the resource is already running and the test would stop it; stop it first or test another instance'
          : 'stopping here: status must answer "stopped" before anything else can be judged',
      );
      break;
    }
  }
  const passed = results.filter((r) => r.pass).length;
  const ok = passed === steps.length;
  if (global.json) io.out(JSON.stringify({ resource: spec.id, path: spec.path, class: spec.class, ok, steps: results }) + '\n');
  else say(`${ok ? 'PASS' : 'FAIL'}: ${passed} of ${steps.length} steps passed`);
  return ok ? ExitCode.ok : ExitCode.failed;
}

interface StepResult extends Step {
  step: number;
  outcome: Outcome;
  pass: boolean;
  durationMs: number;
  reason: string;
}

const wordFor: Record<Outcome, string> = {
  ok: 'ok/running',
  'not-running': 'stopped',
  failed: 'failed',
  'timed-out': 'timed out',
  'not-installed': 'not installed',
  'not-configured': 'not configured',
};

function why(r: ScriptResult): string {
  return r.reason || (r.exitCode === null ? '' : `exit ${r.exitCode}`);
}

function formatStep(r: StepResult): string {
  const head = `${r.pass ? 'PASS' : 'FAIL'}  ${r.step}. ${r.what.padEnd(30)} ${String(r.durationMs).padStart(6)} ms`;
  if (r.pass) return head;
  return `${head}  expected ${wordFor[r.expect]}, got ${wordFor[r.outcome]}${r.reason ? `: ${r.reason}` : ''}`;
}
