// Where a resource script lives at run time, and whether it is safe to run as root.
// The search order mirrors Heartbeat's ResourceManager (`scriptpath`: resource dir, then
// /etc/init.d), with twinbeat's own resources.d first so its IPaddr and Dummy are found.
// The safety rule is keepalived's check_security: every component of the real path must be
// owned by root and not writable by group or others (a directory may be, with the sticky bit).
import { realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import { defaultScriptSearchPath, findResourceScript, type FoundScript } from '../config/locate-script.js';

export type LocatedScript = FoundScript;

/** twinbeat's resources.d, /etc/ha.d/resource.d, /etc/init.d (the config resolves with the same). */
export const defaultSearchPath = defaultScriptSearchPath;

/**
 * The first executable regular file called `name` in `searchPath`, with its class (lsb in an
 * init.d directory, ocf if it uses the OCF shell library, heartbeat otherwise), or null. The
 * search itself is the config loader's, so run time and load time always agree.
 */
export function locateScript(name: string, searchPath: string[] = defaultSearchPath()): LocatedScript | null {
  return findResourceScript(name, searchPath);
}

/** For callers that accept "a name or a path" (the resource-test command). */
export function resolveScript(nameOrPath: string, searchPath: string[] = defaultSearchPath()): LocatedScript | null {
  if (!nameOrPath.includes('/')) return locateScript(nameOrPath, searchPath);
  const path = resolve(nameOrPath);
  return findResourceScript(basename(path), [dirname(path)]);
}

/** Heartbeat's words, plus where we looked. */
export function notFoundReason(name: string, searchPath: string[] = defaultSearchPath()): string {
  return `Cannot locate resource script ${name} (searched ${searchPath.join(', ')})`;
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
