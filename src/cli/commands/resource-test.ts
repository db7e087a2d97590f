// `twinbeat resource-test NAME [ARGS...]`: the black-box check a script author runs before
// putting a script in haresources (the sequence of resource-agents' ocf-tester): for OCF agents
// meta-data and validate-all first, then status (monitor), start, status, start again, stop,
// status, stop again, each answer checked against what twinbeat needs. It drives the same
// ScriptRunner the daemon uses, with the environment the daemon gives scripts (HA_*, and the
// env lines of DIR/ha.cf when it can be read), so a pass here means the daemon will read the
// script the same way. Reads DIR/ha.cf, creates HA_RSCTMP if missing; runs the script.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import type { CliCommand, GlobalOptions, Io } from '../command.js';
import { ExitCode } from '../command.js';
import type { ResourceSpec } from '../../config/types.js';
import { ADDRESS_SCRIPTS, parseResource } from '../../config/haresources.js';
import { parseHaCf } from '../../config/hacf.js';
import { settingOrDefault } from '../../config/directives.js';
import type { Outcome, ResourceAction } from '../../core/types.js';
import { heldOutputWarning, type ScriptResult } from '../../resources/result.js';
import { ScriptRunner } from '../../resources/runner.js';
import { DEFAULT_OCF_ROOT, checkScriptSafety, locateResource, notFoundReason, resolveScript, scriptSearchPath } from '../../resources/locate.js';
import { actionWord, extraActions, type ScriptAction, type ScriptClass } from '../../resources/classes.js';
import { ensureRscTmp, heartbeatEnvironment } from '../../resources/environment.js';

export interface ResourceTestDeps {
  searchPath?: string[];
  /** Where `ocf:` agents are looked for and what OCF_ROOT says (default /usr/lib/ocf). */
  ocfRoot?: string;
  /** Extra environment for the script (tests point TB_RUN_DIR at a temp directory). */
  env?: Record<string, string>;
  runner?: ScriptRunner;
}

interface Step {
  action: ScriptAction;
  expect: Outcome;
  /** What the step checks, in the report. */
  what: string;
  /** The step whose "running" answer stops the test before it touches a live resource. */
  first?: true;
}

/** The steps for a class: its extra actions (OCF: meta-data, validate-all), then ocf-tester's seven. */
function stepsFor(cls: ScriptClass): Step[] {
  const status = actionWord(cls, 'status');
  return [
    ...extraActions(cls).map((action): Step => ({ action, expect: 'ok', what: action === 'meta-data' ? 'meta-data: describes itself' : 'validate-all: parameters valid' })),
    { action: 'status', expect: 'not-running', what: `${status} before start: stopped`, first: true },
    { action: 'start', expect: 'ok', what: 'start' },
    { action: 'status', expect: 'ok', what: `${status} after start: running` },
    { action: 'start', expect: 'ok', what: 'start again (idempotent)' },
    { action: 'stop', expect: 'ok', what: 'stop' },
    { action: 'status', expect: 'not-running', what: `${status} after stop: stopped` },
    { action: 'stop', expect: 'ok', what: 'stop again (idempotent)' },
  ];
}

const help = `usage: twinbeat resource-test [--timeout DURATION] [--class heartbeat|lsb|ocf] NAME [ARGS...]

Runs a resource script through the sequence twinbeat relies on and reports each step:
  for OCF agents meta-data and validate-all (skipped if the agent answers 3, unimplemented),
  then status (monitor for OCF, is-active for systemd; expect stopped), start,
  status (expect running), start again, stop, status (expect stopped), stop again.
Exit status 0 only if every step passes. The resource must not be running when the test
starts (the test would stop it): the first status refuses to go on if it is. A script that
exits while a process it started still holds its stdout or stderr gets a WARN line.
The script gets the daemon's environment: HA_* (HA_CURHOST, HA_DIR, HA_RSCTMP, ...) and the
env lines of DIR/ha.cf.

NAME     a script name, searched in twinbeat's resources.d, DIR/resource.d (-c DIR),
         /etc/ha.d/resource.d, /etc/init.d; or a path to a script; or a haresources entry
         such as IPaddr::10.0.0.5/24/eth0, a bare IP (which means IPaddr::IP),
         ocf:PROVIDER:TYPE::NAME=VALUE... (ocf::TYPE: provider heartbeat) or systemd:UNIT
ARGS     arguments as in haresources; \`a::b\` is split into two arguments
--timeout DURATION   per action, e.g. 20s, 500ms, or seconds (default 20s)
--class CLASS        calling convention (default: lsb for init.d scripts, heartbeat otherwise)

Example: twinbeat resource-test Dummy web
         twinbeat resource-test IPaddr 10.0.0.5/24/eth0
         twinbeat resource-test ocf:heartbeat:Dummy::fake=x
         twinbeat resource-test systemd:nginx`;

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
  /** For prefixed names (ocf:, systemd:) the id as written. */
  id?: string;
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
  // The prefixed classes: parsed exactly as haresources parses them.
  if (/^(ocf|systemd):/.test(words[0]!)) {
    const word = words.join('::');
    const parsed = parseResource(word);
    if (!parsed.ok) return `${JSON.stringify(word)}: expected ${parsed.expected}${parsed.hint ? ` (${parsed.hint})` : ''}`;
    return { name: parsed.resource.script, args: parsed.resource.args, id: parsed.resource.id, timeoutMs, cls };
  }
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
  const ocfRoot = deps.ocfRoot ?? DEFAULT_OCF_ROOT;
  const prefixed = parsed.id !== undefined;
  const located = prefixed ? locateResource(parsed.name, searchPath, ocfRoot) : resolveScript(parsed.name, searchPath);
  if (!located) {
    io.err(`twinbeat resource-test: ${parsed.name.includes('/') && !prefixed ? `${parsed.name}: not an executable file` : notFoundReason(parsed.name, searchPath, ocfRoot)}\n`);
    return ExitCode.failed;
  }
  const safety = checkScriptSafety(located.path);
  if (!safety.ok) {
    io.err(`twinbeat resource-test: ${safety.reason}\n`);
    return ExitCode.failed;
  }
  const script = prefixed ? parsed.name : basename(parsed.name);
  const spec: ResourceSpec = {
    id: parsed.id ?? [script, ...parsed.args].join('::'),
    script,
    args: parsed.args,
    path: located.path,
    // A prefixed name is its class; --class only chooses among the unprefixed ones.
    class: prefixed ? located.class : (parsed.cls ?? located.class),
  };
  const runner = deps.runner ?? new ScriptRunner({ ocfRoot });
  const env = { ...daemonEnvironment(global), ...deps.env };
  // As the daemon does at start: agents keep their state files in HA_RSCTMP.
  const rscTmpProblem = ensureRscTmp(env);
  if (rscTmpProblem) io.err(`twinbeat resource-test: warning: ${rscTmpProblem}\n`);
  const say = (line: string) => {
    if (!global.json) io.out(line + '\n');
  };
  say(`resource-test ${spec.id}: ${spec.path} (${spec.class} class, timeout ${parsed.timeoutMs} ms per action)`);

  const steps = stepsFor(spec.class);
  const results: StepResult[] = [];
  const warnings: string[] = [];
  const warn = (text: string) => {
    warnings.push(text);
    say(`WARN  ${text}`);
  };
  for (const [i, step] of steps.entries()) {
    const r = await runner.run(spec, step.action, { timeoutMs: parsed.timeoutMs, env });
    // meta-data and validate-all are the agent's to offer: exit 3 (unimplemented) skips them.
    const skipped = (step.action === 'meta-data' || step.action === 'validate-all') && r.exitCode === 3;
    const result: StepResult = { step: i + 1, ...step, word: actionWord(spec.class, step.action), outcome: r.outcome, pass: r.outcome === step.expect, skipped, durationMs: r.durationMs, reason: why(r) };
    if (step.action === 'meta-data' && result.pass) {
      const problem = metaDataProblem(r.stdout, spec.args);
      if (problem.fatal) Object.assign(result, { pass: false, reason: problem.fatal });
      for (const w of problem.warnings) warn(`${result.step}. ${w}`);
    }
    results.push(result);
    say(formatStep(result));
    if (r.heldOutput) warn(`${result.step}. ${heldOutputWarning(`${step.action}`, r.heldOutput)}`);
    if (step.first && !result.pass) {
      say(
        r.outcome === 'ok'
          ? 'stopping here: the resource is already running and the test would stop it; stop it first or test another instance'
          : 'stopping here: status must answer "stopped" before anything else can be judged',
      );
      break;
    }
  }
  const counted = steps.filter((_, i) => !results[i]?.skipped);
  const passed = results.filter((r) => r.pass && !r.skipped).length;
  const ok = passed === counted.length;
  if (global.json) io.out(JSON.stringify({ resource: spec.id, path: spec.path, class: spec.class, ok, steps: results, warnings }) + '\n');
  else say(`${ok ? 'PASS' : 'FAIL'}: ${passed} of ${counted.length} steps passed${warnings.length > 0 ? ` (${warnings.length} warning${warnings.length === 1 ? '' : 's'})` : ''}`);
  return ok ? ExitCode.ok : ExitCode.failed;
}

/**
 * The HA_* environment the daemon would give the script, from what can be known without loading
 * the whole configuration: this node's name, DIR, and DIR/ha.cf's env and logging lines when the
 * file can be read (a file that cannot be read or parsed adds nothing).
 */
function daemonEnvironment(global: GlobalOptions): Record<string, string> {
  const file = join(global.configDir, 'ha.cf');
  let values: ReturnType<typeof parseHaCf>['values'];
  try {
    values = parseHaCf(readFileSync(file, 'utf8'), file).values;
  } catch {
    // Nothing readable: every value is the directive table's default, as for an empty ha.cf.
    values = parseHaCf('', file).values;
  }
  return heartbeatEnvironment({
    self: (global.node || hostname()).toLowerCase(),
    dir: global.configDir,
    logfile: values.logfile?.value ?? null,
    debugfile: values.debugfile?.value ?? null,
    logfacility: settingOrDefault(values, 'logfacility'),
    debug: settingOrDefault(values, 'debug'),
    env: Object.fromEntries(values.env.map((e) => [`HA_${e.value.name}`, e.value.value])),
  });
}

/**
 * What meta-data must be (OCF: XML with a <resource-agent> root) and what it tells about the
 * arguments given: a required parameter left out, an argument the agent does not name.
 */
export function metaDataProblem(xml: string, args: readonly string[]): { fatal?: string; warnings: string[] } {
  if (!/<resource-agent\b[\s\S]*<\/resource-agent>/.test(xml)) return { fatal: 'meta-data printed no <resource-agent> XML', warnings: [] };
  const declared = [...xml.matchAll(/<parameter\b([^>]*)>/g)].map((m) => ({
    name: /\bname="([^"]*)"/.exec(m[1]!)?.[1] ?? '',
    required: /\brequired="(1|true)"/.test(m[1]!),
  }));
  const given = new Set(args.map((a) => (a.includes('=') ? a.slice(0, a.indexOf('=')) : '')));
  const warnings = [
    ...declared.filter((p) => p.required && !given.has(p.name)).map((p) => `meta-data: required parameter ${p.name} is not given`),
    ...[...given].filter((n) => n !== '' && declared.length > 0 && !declared.some((p) => p.name === n)).map((n) => `meta-data: the agent declares no parameter ${n}`),
  ];
  return { warnings };
}

interface StepResult extends Step {
  step: number;
  /** The word the script received (monitor, is-active, ...). */
  word: string;
  /** meta-data or validate-all the agent does not implement (exit 3): not counted. */
  skipped: boolean;
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
  if (r.skipped) return `SKIP  ${r.step}. ${r.what.padEnd(30)} ${String(r.durationMs).padStart(6)} ms  not implemented (exit 3)`;
  const head = `${r.pass ? 'PASS' : 'FAIL'}  ${r.step}. ${r.what.padEnd(30)} ${String(r.durationMs).padStart(6)} ms`;
  if (r.pass) return head;
  return `${head}  expected ${wordFor[r.expect]}, got ${wordFor[r.outcome]}${r.reason ? `: ${r.reason}` : ''}`;
}
