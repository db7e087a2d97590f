// Where a resource script lives, which convention it follows, and whether it is safe to run as
// root: the one home of script location, used at load time (src/config receives it through
// loadConfig's options, see scriptChecks) and at run time (the runner, resource-test).
// The search order mirrors Heartbeat's ResourceManager (`scriptpath`: resource dir, then
// /etc/init.d), with twinbeat's own resources.d first so its IPaddr and Dummy are found, and the
// configuration directory's resource.d (Heartbeat keeps it there) before /etc/ha.d/resource.d.
// init.d scripts are LSB; others are Heartbeat-style unless they declare themselves OCF by using
// the OCF shell library. The prefixed classes live elsewhere: `ocf:PROVIDER:TYPE` is
// OCF_ROOT/resource.d/PROVIDER/TYPE (the OCF spec's layout), `systemd:UNIT` is run through the
// systemctl found on PATH. The safety rule is keepalived's check_security: every component of the
// real path must be owned by root and not writable by group or others (a directory may be, with
// the sticky bit). Touches the file system (stat, access, reading a script's head) only.
import { DEFAULT_CONFIG_DIR } from '../config/config-dir.js';
import { accessSync, closeSync, constants, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FoundScript, ScriptChecks } from '../config/types.js';

export type LocatedScript = FoundScript;

/** The package's resources.d: from dist/src/resources/ three levels up is the repository root. */
export function packageResourcesDir(): string {
  return fileURLToPath(new URL('../../../resources.d', import.meta.url));
}

const heartbeatResourceDir = join(DEFAULT_CONFIG_DIR, 'resource.d');
/** Where OCF agents live (the OCF spec's default; what Heartbeat and Pacemaker export as OCF_ROOT). */
export const DEFAULT_OCF_ROOT = '/usr/lib/ocf';
const initDir = '/etc/init.d';

/**
 * twinbeat's resources.d, CONFIG-DIR/resource.d (when the configuration lives elsewhere than
 * /etc/ha.d, e.g. `-c DIR`), /etc/ha.d/resource.d, /etc/init.d.
 */
export function scriptSearchPath(configDir?: string): string[] {
  const dirs = [packageResourcesDir(), ...(configDir === undefined ? [] : [join(resolve(configDir), 'resource.d')]), heartbeatResourceDir, initDir];
  return [...new Set(dirs)];
}

/**
 * The first executable regular file called `name` in `searchPath`, with its class (lsb in an
 * init.d directory, ocf if it uses the OCF shell library, heartbeat otherwise), or null. Load
 * time and run time use this same function, so they always agree.
 */
export function locateScript(name: string, searchPath: readonly string[] = scriptSearchPath()): LocatedScript | null {
  if (name.includes('/') || name === '' || name === '.' || name === '..') return null;
  for (const dir of searchPath) {
    const path = join(dir, name);
    if (!isExecutableFile(path)) continue;
    if (basename(dir) === 'init.d') return { path, class: 'lsb' };
    return { path, class: declaresOcf(path) ? 'ocf' : 'heartbeat' };
  }
  return null;
}

/**
 * Where a haresources script name leads: an `ocf:PROVIDER:TYPE` agent under ocfRoot, systemctl
 * (on PATH) for `systemd:UNIT`, else the search path. Load time and run time both use it.
 */
export function locateResource(script: string, searchPath: readonly string[] = scriptSearchPath(), ocfRoot = DEFAULT_OCF_ROOT): LocatedScript | null {
  const agent = ocfAgentPath(script, ocfRoot);
  if (agent !== undefined) return agent !== null && isExecutableFile(agent) ? { path: agent, class: 'ocf' } : null;
  if (script.startsWith('systemd:')) {
    const systemctl = findOnPath('systemctl');
    return systemctl ? { path: systemctl, class: 'systemd' } : null;
  }
  return locateScript(script, searchPath);
}

/** OCF_ROOT/resource.d/PROVIDER/TYPE for `ocf:PROVIDER:TYPE`; null if malformed, undefined if not an ocf: name. */
function ocfAgentPath(script: string, ocfRoot: string): string | null | undefined {
  if (!script.startsWith('ocf:')) return undefined;
  const [, provider, type, ...more] = script.split(':');
  const component = (c: string | undefined) => c !== undefined && /^[A-Za-z0-9_][A-Za-z0-9_.+-]*$/.test(c);
  if (more.length > 0 || !component(provider) || !component(type)) return null;
  return join(ocfRoot, 'resource.d', provider!, type!);
}

/** The first executable `command` in the directories of $PATH (absolute ones only), or null. */
export function findOnPath(command: string, path = process.env['PATH'] ?? ''): string | null {
  for (const dir of path.split(':')) {
    if (!isAbsolute(dir)) continue;
    if (isExecutableFile(join(dir, command))) return join(dir, command);
  }
  return null;
}

/** For callers that accept "a name or a path" (the resource-test command). */
export function resolveScript(nameOrPath: string, searchPath: readonly string[] = scriptSearchPath()): LocatedScript | null {
  if (!nameOrPath.includes('/')) return locateScript(nameOrPath, searchPath);
  const path = resolve(nameOrPath);
  return locateScript(basename(path), [dirname(path)]);
}

/** Heartbeat's words, plus where we looked: the one "not found" sentence (check, resource-test). */
export function notFoundReason(name: string, searchPath: readonly string[] = scriptSearchPath(), ocfRoot = DEFAULT_OCF_ROOT): string {
  const agent = ocfAgentPath(name, ocfRoot);
  if (agent) return `Cannot locate OCF agent ${name}: no executable ${agent} (install the agent, e.g. Debian's resource-agents package, on both nodes)`;
  if (agent === null) return `Cannot locate OCF agent ${name}: not an ocf:PROVIDER:TYPE name`;
  if (name.startsWith('systemd:')) return `Cannot run ${name}: no systemctl on PATH (${process.env['PATH'] ?? ''})`;
  return `Cannot locate resource script ${name} (searched ${searchPath.join(', ')})`;
}

/** What loadConfig needs to resolve and vet the scripts of the configuration in `configDir`. */
export function scriptChecks(configDir: string, searchPath: readonly string[] = scriptSearchPath(configDir), ocfRoot = DEFAULT_OCF_ROOT): ScriptChecks {
  return {
    searchPath,
    find: (name) => locateResource(name, searchPath, ocfRoot),
    notFound: (name) => notFoundReason(name, searchPath, ocfRoot),
    safety: checkScriptSafety,
  };
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function declaresOcf(path: string): boolean {
  const head = readHead(path, 64 * 1024);
  return head.includes('OCF_ROOT') || head.includes('ocf-returncodes');
}

function readHead(path: string, bytes: number): string {
  let fd: number | null = null;
  try {
    fd = openSync(path, 'r');
    const buf = Buffer.alloc(bytes);
    const n = readSync(fd, buf, 0, bytes, 0);
    return buf.subarray(0, n).toString('latin1');
  } catch {
    return '';
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/**
 * `reason` is the whole sentence (`refusing PATH: PROBLEM; fix: COMMAND`); `problem` and `fix`
 * are its parts, for callers that lay messages out their own way (the config loader).
 */
export type Safety = { ok: true } | { ok: false; reason: string; problem: string; fix?: string };

function refused(path: string, via: string, problem: string, fix?: string): Safety {
  return { ok: false, reason: `refusing ${path}${via}: ${problem}${fix ? `; fix: ${fix}` : ''}`, problem, ...(fix ? { fix } : {}) };
}

/**
 * Refuse a script that someone other than root could have changed: the file, after resolving
 * symlinks, and every directory above it must be owned by root (or by the user twinbeat runs
 * as) and not writable by group or others; a directory writable by others passes only with the
 * sticky bit (like /tmp). The reason names the offending path and the command that fixes it.
 */
export function checkScriptSafety(path: string): Safety {
  if (!isAbsolute(path)) return refused(path, '', 'not an absolute path');
  let real: string;
  try {
    real = realpathSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? { ok: false, reason: `no such script: ${path}`, problem: 'no such file' } : refused(path, '', code ?? String(err));
  }
  if (!locateScript(basename(real), [dirname(real)])) {
    return refused(path, '', 'not an executable regular file', `chmod 755 ${real}`);
  }
  const via = real === path ? '' : ` (symlink to ${real})`;
  for (let p = real; ; p = dirname(p)) {
    let problem: { problem: string; fix?: string } | null;
    try {
      problem = componentProblem(p, p === real ? 'script' : 'directory');
    } catch (err) {
      problem = { problem: `cannot check ${p}: ${(err as NodeJS.ErrnoException).code ?? String(err)}` };
    }
    if (problem) return refused(path, via, problem.problem, problem.fix);
    if (dirname(p) === p) return { ok: true };
  }
}

const trustedUids = (): number[] => [0, process.geteuid?.() ?? 0];

function componentProblem(p: string, kind: 'script' | 'directory'): { problem: string; fix: string } | null {
  const st = statSync(p);
  if (!trustedUids().includes(st.uid)) {
    return { problem: `${kind} ${p} is owned by uid ${st.uid}, not root`, fix: `chown root ${p}` };
  }
  const writable = st.mode & 0o022;
  const stickyDir = st.isDirectory() && (st.mode & 0o1000) !== 0;
  if (writable && !stickyDir) {
    const who = [st.mode & 0o020 ? 'group' : '', st.mode & 0o002 ? 'others' : ''].filter(Boolean).join(' and ');
    const mode = (st.mode & 0o7777).toString(8).padStart(4, '0');
    return { problem: `${kind} ${p} is writable by ${who} (mode ${mode})`, fix: `chmod go-w ${p}` };
  }
  return null;
}
