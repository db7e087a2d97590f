// `twinbeat check`: load the configuration exactly as the daemon would and print what it will
// use (every value with the line it came from, or "default"), the warnings (a protection Heartbeat
// gave that twinbeat does not), the notices, and the resource plan per node; or every error at
// once. Exit 0 valid, 1 invalid (or, with --strict, valid with warnings), 2 usage.
// Reads the config directory (and the daemon's saved figures); writes only to its output.
import type { CliCommand, GlobalOptions, Io } from '../command.js';
import { ExitCode } from '../command.js';
import { parseArgs, usageError, UsageError } from '../args.js';
import { nodeFor } from '../dispatch.js';
import { loadConfig } from '../../config/load.js';
import type { Resolver } from '../../config/hostnames.js';
import type { Config } from '../../config/types.js';
import { formatError, formatNotice, formatWarning } from '../../config/errors.js';
import { describeSettings, formatOrigin } from '../../config/describe.js';
import { scriptChecks } from '../../resources/locate.js';
import { figuresPath, loadFigures, type FiguresRead } from '../../daemon/inter-arrival-file.js';
import { deadtimeAdvice, formatAge } from '../format.js';
import { formatDuration } from '../../config/duration.js';

export interface CheckDeps {
  /** Script search path (tests point it at fixture directories); default: scriptSearchPath(DIR). */
  searchPath?: string[];
  /** Host name lookup (tests inject a fake); default: the system resolver. */
  resolve?: Resolver;
  /** Wall clock for the saved figures' age (tests fix it); default Date.now. */
  now?: () => number;
}

const help = `usage: twinbeat check [-c DIR] [--node NAME] [--strict] [--json]

Reads DIR/ha.cf, DIR/haresources and DIR/authkeys (default DIR: /etc/ha.d) as the daemon would
on node NAME (default: uname -n) and prints:
  - the effective configuration: every value with the file:line it came from, or "default"
    (host names in ucast, ping and ping_group shown with the address they resolved to);
  - warnings: lines accepted whose protection twinbeat does not provide (stonith, stonith_host,
    watchdog, respawn of ipfail or dopd), each saying what is lost and what replaces it;
  - notices: Heartbeat directives accepted but not acted on, defaults worth knowing;
  - the resource plan: each node's groups, their resources in start order (stop is the
    reverse), each script's resolved path and class (heartbeat, lsb, ocf), and the
    directories searched for scripts: twinbeat's resources.d, DIR/resource.d,
    /etc/ha.d/resource.d, /etc/init.d.
  - timings a configured link cannot carry are errors, with the smallest deadtime that works;
  - the inter-arrival figures the daemon last saved next to the state file, their age, and
    whether the configured deadtime is below what they support.
If anything is wrong, every problem is printed as FILE:LINE: directive: expected X, got Y.
Exit status: 0 valid, 1 invalid, 2 usage error.

--strict  a valid configuration with warnings exits 1 too (for ExecStartPre or CI)
--json    print one JSON object instead: {valid, strict, dir, node, errors, warnings, notices,
          settings, plan, digest, scriptSearchPath, measured}`;

export function createCheckCommand(deps: CheckDeps = {}): CliCommand {
  return {
    name: 'check',
    summary: 'validate ha.cf, haresources and authkeys; show the effective configuration',
    help,
    run: (global, args, io) => runCheck(deps, global, args, io),
  };
}

export const checkCommand: CliCommand = createCheckCommand();

async function runCheck(deps: CheckDeps, global: GlobalOptions, args: string[], io: Io): Promise<number> {
  let dir = global.configDir;
  let node: string;
  let json = global.json;
  let strict = false;
  try {
    const parsed = parseArgs(args, { flags: { '--json': 'json', '--strict': 'strict' }, values: { '-c': 'dir', '--config': 'dir', '--node': 'node' } });
    dir = parsed.values.get('dir') ?? dir;
    node = nodeFor(global, dir, parsed.values.get('node'));
    json = json || parsed.flags.has('json');
    strict = parsed.flags.has('strict');
  } catch (err) {
    if (err instanceof UsageError) return usageError(io, 'check', err.message, help);
    throw err;
  }

  const scripts = scriptChecks(dir, deps.searchPath);
  const result = await loadConfig(dir, node, { scripts, ...(deps.resolve ? { resolve: deps.resolve } : {}) });
  const scriptSearchPath = scripts.searchPath;
  const notices = result.notices.map((n) => ({ ...n, text: formatNotice(n) }));
  const warnings = result.warnings.map((w) => ({ ...w, text: formatWarning(w) }));
  const passed = result.ok && !(strict && warnings.length > 0);
  const exit = passed ? ExitCode.ok : ExitCode.failed;
  const now = deps.now ?? Date.now;
  const measured = result.ok ? await measuredFigures(result.config, now()) : null;
  if (json) {
    const body = result.ok
      ? { valid: true, strict, dir, node, errors: [], warnings, notices, settings: describeSettings(result.config), plan: plan(result.config), digest: result.config.digest, scriptSearchPath, measured }
      : { valid: false, strict, dir, node, errors: result.errors.map((e) => ({ ...e, text: formatError(e) })), warnings, notices, scriptSearchPath };
    io.out(`${JSON.stringify(body, null, 2)}\n`);
    return exit;
  }

  const out: string[] = [`twinbeat check: ${dir} as node ${node}`, ''];
  if (!result.ok) {
    io.err(result.errors.map((e) => `${formatError(e)}\n`).join(''));
  } else {
    out.push('effective configuration:', ...settingsTable(result.config), '');
  }
  if (warnings.length > 0) out.push('warnings (a protection you configured is not provided):', ...warnings.map((w) => `  ${w.text}`), '');
  if (notices.length > 0) out.push('notices:', ...notices.map((n) => `  ${n.text}`), '');
  if (result.ok) {
    out.push('resource plan (start in this order, stop in reverse):', ...planLines(result.config), '');
    out.push(`resource scripts searched in: ${scriptSearchPath.join(', ')}`, '');
    if (measured !== null) out.push(...measuredLines(measured), '');
    out.push(`configuration valid (digest ${result.config.digest}; the peer must show the same)`);
    const n = warnings.length;
    if (n > 0) out.push(`${n} warning${n === 1 ? '' : 's'} (listed above)${strict ? ': --strict fails' : ''}`);
  } else {
    const n = result.errors.length;
    out.push(`configuration invalid: ${n} error${n === 1 ? '' : 's'} (listed above)`);
  }
  io.out(`${out.join('\n')}\n`);
  return exit;
}

function settingsTable(c: Config): string[] {
  const rows = describeSettings(c);
  const nameWidth = Math.max(...rows.map((r) => r.name.length));
  const valueWidth = Math.min(60, Math.max(...rows.map((r) => r.value.length)));
  return rows.map((r) => `  ${r.name.padEnd(nameWidth)}  ${r.value.padEnd(valueWidth)}  ${formatOrigin(r.origin, c.dir)}`.trimEnd());
}

interface PlanNode {
  node: string;
  groups: { key: string; origin: string; resources: { id: string; class: string; path: string }[] }[];
}

function plan(c: Config): PlanNode[] {
  return c.nodes.map((node) => ({
    node,
    groups: c.groups
      .filter((g) => g.owner === node)
      .map((g) => ({ key: g.key, origin: formatOrigin(g.origin, c.dir), resources: g.resources.map((r) => ({ id: r.id, class: r.class, path: r.path })) })),
  }));
}

function planLines(c: Config): string[] {
  const lines: string[] = [];
  for (const p of plan(c)) {
    const who = p.node === c.self ? 'this node' : 'peer';
    lines.push(`  ${p.node} (${who}) is the preferred node of ${p.groups.length} group${p.groups.length === 1 ? '' : 's'}`);
    for (const g of p.groups) {
      lines.push(`    group ${g.key}  (${g.origin})`);
      const width = Math.max(...g.resources.map((r) => r.id.length));
      g.resources.forEach((r, i) => lines.push(`      ${i + 1}. ${r.id.padEnd(width)}  ${r.class.padEnd(9)}  ${r.path}`));
    }
  }
  return lines;
}

/** What check says about the daemon's saved inter-arrival figures (inter-arrival-file.ts). */
export type Measured =
  | { path: string; problem: string }
  | {
      path: string;
      ageMs: number;
      figures: Extract<NonNullable<FiguresRead>, { ok: true }>['figures'];
      /** The largest deadtime any link's figures support, and the link; null: too few frames. */
      needed: { deadtimeMs: number; link: string } | null;
      configuredDeadtimeMs: number;
      /** The configured deadtime is below `needed` (null when nothing is advised). */
      deadtimeBelowMeasured: boolean | null;
    };

async function measuredFigures(c: Config, now: number): Promise<Measured | null> {
  const path = figuresPath(c.ext.stateFile);
  const read = await loadFigures(path);
  if (read === null) return null;
  if (!read.ok) return { path, problem: read.problem };
  let needed: { deadtimeMs: number; link: string } | null = null;
  for (const l of read.figures.links) {
    if (l.supportedDeadtimeMs !== null && (needed === null || l.supportedDeadtimeMs > needed.deadtimeMs)) needed = { deadtimeMs: l.supportedDeadtimeMs, link: l.name };
  }
  return { path, ageMs: Math.max(0, now - read.figures.savedAt), figures: read.figures, needed, configuredDeadtimeMs: c.deadtimeMs, deadtimeBelowMeasured: needed === null ? null : c.deadtimeMs < needed.deadtimeMs };
}

function measuredLines(m: Measured): string[] {
  if ('problem' in m) return [`measured inter-arrival: ${m.path} ignored (${m.problem})`];
  const f = m.figures;
  const lines = [
    `measured inter-arrival (saved by the daemon ${formatAge(m.ageMs)} in ${m.path}, at keepalive ${formatDuration(f.keepaliveMs)} / deadtime ${formatDuration(f.deadtimeMs)}):`,
    ...deadtimeAdvice(f.links),
  ];
  if (m.needed === null) lines.push('  too few frames measured to judge the deadtime');
  else if (m.deadtimeBelowMeasured) lines.push(`  configured deadtime ${formatDuration(m.configuredDeadtimeMs)} is BELOW the ${formatDuration(m.needed.deadtimeMs)} measured on ${m.needed.link}: expect that link to be declared dead on ordinary jitter`);
  else lines.push(`  configured deadtime ${formatDuration(m.configuredDeadtimeMs)} is at or above what every link measured (largest: ${formatDuration(m.needed.deadtimeMs)} on ${m.needed.link})`);
  return lines;
}
