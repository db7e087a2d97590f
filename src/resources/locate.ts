// Where a resource script lives at run time, and whether it is safe to run as root.
// The search order mirrors Heartbeat's ResourceManager (`scriptpath`: resource dir, then
// /etc/init.d), with twinbeat's own resources.d first so its IPaddr and Dummy are found.
// The safety rule is keepalived's check_security: every component of the real path must be
// owned by root and not writable by group or others (a directory may be, with the sticky bit).
import { existsSync, realpathSync, statSync, accessSync, constants } from 'node:fs';
import { dirname, join, resolve, isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ScriptClass } from './classes.js';

export interface LocatedScript {
  path: string;
  /** lsb for scripts found in an init.d directory, heartbeat otherwise. */
  class: ScriptClass;
}

/** The package's own resources.d: the directory next to package.json above this module. */
export function packageResourcesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'resources.d'))) return join(dir, 'resources.d');
    const up = dirname(dir);
    if (up === dir) throw new Error(`twinbeat: no resources.d above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

export function defaultSearchPath(): string[] {
  return [packageResourcesDir(), '/etc/ha.d/resource.d', '/etc/init.d'];
}

/**
 * The first executable regular file called `name` in `searchPath`, or null. `name` must be a
 * bare script name; callers holding a path use it directly.
 */
export function locateScript(name: string, searchPath: string[] = defaultSearchPath()): LocatedScript | null {
  if (name === '' || name.includes('/') || name === '.' || name === '..') return null;
  for (const dir of searchPath) {
    const path = join(dir, name);
    if (isExecutableFile(path)) return { path, class: classOfDir(dir) };
  }
  return null;
}

/** Heartbeat's words, plus where we looked. */
export function notFoundReason(name: string, searchPath: string[] = defaultSearchPath()): string {
  return `Cannot locate resource script ${name} (searched ${searchPath.join(', ')})`;
}

export function classOfDir(dir: string): ScriptClass {
  return /(^|\/)init\.d\/?$/.test(dir) ? 'lsb' : 'heartbeat';
}

export function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export type Safety = { ok: true } | { ok: false; reason: string };

/**
 * Refuse a script that someone other than root could have changed: the file, after resolving
 * symlinks, and every directory above it must be owned by root (or by the user twinbeat runs
 * as) and not writable by group or others; a directory writable by others passes only with the
 * sticky bit (like /tmp). The reason names the offending path and the command that fixes it.
 */
export function checkScriptSafety(path: string): Safety {
  if (!isAbsolute(path)) return { ok: false, reason: `refusing ${path}: not an absolute path` };
  let real: string;
  try {
    real = realpathSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { ok: false, reason: code === 'ENOENT' ? `no such script: ${path}` : `refusing ${path}: ${code ?? String(err)}` };
  }
  if (!isExecutableFile(real)) {
    return { ok: false, reason: `refusing ${path}: not an executable regular file; fix: chmod 755 ${real}` };
  }
  const via = real === path ? '' : ` (symlink to ${real})`;
  for (let p = real; ; p = dirname(p)) {
    const problem = componentProblem(p, p === real ? 'script' : 'directory');
    if (problem) return { ok: false, reason: `refusing ${path}${via}: ${problem}` };
    if (dirname(p) === p) return { ok: true };
  }
}

const trustedUids = (): number[] => [0, process.geteuid?.() ?? 0];

function componentProblem(p: string, kind: 'script' | 'directory'): string | null {
  const st = statSync(p);
  if (!trustedUids().includes(st.uid)) {
    return `${kind} ${p} is owned by uid ${st.uid}, not root; fix: chown root ${p}`;
  }
  const writable = st.mode & 0o022;
  const stickyDir = st.isDirectory() && (st.mode & 0o1000) !== 0;
  if (writable && !stickyDir) {
    const who = [st.mode & 0o020 ? 'group' : '', st.mode & 0o002 ? 'others' : ''].filter(Boolean).join(' and ');
    const mode = (st.mode & 0o7777).toString(8).padStart(4, '0');
    return `${kind} ${p} is writable by ${who} (mode ${mode}); fix: chmod go-w ${p}`;
  }
  return null;
}

/** For callers that accept "a name or a path" (the resource-test command). */
export function resolveScript(nameOrPath: string, searchPath: string[] = defaultSearchPath()): LocatedScript | null {
  if (!nameOrPath.includes('/')) return locateScript(nameOrPath, searchPath);
  const path = resolve(nameOrPath);
  return isExecutableFile(path) ? { path, class: classOfDir(dirname(path)) } : null;
}
