// The only part of src/config that touches the file system: reads DIR/ha.cf, DIR/haresources
// and DIR/authkeys, checks authkeys' mode and owner, and returns a Config or every problem found,
// all at once. Resource scripts and hooks are resolved and vetted through the ScriptChecks the
// caller passes (src/resources/locate.ts scriptChecks), so src/config never imports the runner's
// side.
import { readFile, stat } from 'node:fs/promises';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Config, ScriptChecks } from './types.js';
import type { ConfigError, Notice } from './errors.js';
import { parseHaCf } from './hacf.js';
import { parseHaresources } from './haresources.js';
import { parseAuthkeys } from './authkeys.js';
import { buildConfig, scriptSafetyProblem } from './validate.js';
import type { HaCfValues } from './directives.js';

export interface LoadOptions {
  /** Script lookup and safety check: `scriptChecks(dir)` from src/resources/locate.ts. */
  scripts: ScriptChecks;
}

export type LoadResult =
  | { ok: true; config: Config; notices: Notice[] }
  | { ok: false; errors: ConfigError[]; notices: Notice[] };

export const configFiles = { haCf: 'ha.cf', haresources: 'haresources', authkeys: 'authkeys' } as const;

export async function loadConfig(dir: string, node: string, options: LoadOptions): Promise<LoadResult> {
  const haCfFile = join(dir, configFiles.haCf);
  const haresourcesFile = join(dir, configFiles.haresources);
  const authkeysFile = join(dir, configFiles.authkeys);
  const errors: ConfigError[] = [];
  const notices: Notice[] = [];

  const [haCfText, haresourcesText, authkeysText] = await Promise.all([
    readText(haCfFile, errors),
    readText(haresourcesFile, errors, 'create it; an empty file means no resources'),
    readText(authkeysFile, errors, 'twinbeat keygen writes one'),
  ]);
  const hacf = haCfText === null ? null : parseHaCf(haCfText, haCfFile);
  const haresources = haresourcesText === null ? null : parseHaresources(haresourcesText, haresourcesFile);
  const authkeys = authkeysText === null ? null : parseAuthkeys(authkeysText, authkeysFile);
  if (authkeysText !== null) errors.push(...(await authkeysPermissionProblems(authkeysFile)));
  for (const part of [hacf, haresources, authkeys]) {
    if (!part) continue;
    errors.push(...part.errors);
    notices.push(...part.notices);
  }
  if (hacf) {
    errors.push(...hookProblems(hacf.values, options.scripts));
    notices.push(...serialNotices(hacf.values));
  }
  if (!hacf || !haresources) return { ok: false, errors: inFileOrder([haCfFile, haresourcesFile, authkeysFile])(errors), notices };

  const built = buildConfig({
    dir,
    self: node,
    haCfFile,
    haresourcesFile,
    hacf: hacf.values,
    groups: haresources.groups,
    auth: authkeys?.auth ?? null,
    scripts: options.scripts,
  });
  errors.push(...built.errors);
  notices.push(...built.notices);
  const ordered = inFileOrder([haCfFile, haresourcesFile, authkeysFile]);
  if (errors.length > 0 || !built.config) return { ok: false, errors: ordered(errors), notices: ordered(notices) };
  return { ok: true, config: built.config, notices: ordered(notices) };
}

/** Problems sorted the way an operator reads them: file by file, top to bottom. */
function inFileOrder(files: string[]) {
  const rank = (file: string) => (files.includes(file) ? files.indexOf(file) : files.length);
  return <T extends { file: string; line: number }>(items: T[]): T[] =>
    [...items].sort((a, b) => rank(a.file) - rank(b.file) || a.line - b.line);
}

async function readText(file: string, errors: ConfigError[], hint?: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    errors.push({ file, line: 0, directive: 'file', expected: 'a readable file', got: code, ...(hint && code === 'ENOENT' ? { hint } : {}) });
    return null;
  }
}

/** Keys must be secret: readable by root only (stricter than Heartbeat, which checks read bits). */
export async function authkeysPermissionProblems(file: string): Promise<ConfigError[]> {
  const st = await stat(file);
  const problems: ConfigError[] = [];
  const mode = st.mode & 0o777;
  if ((mode & 0o077) !== 0) {
    problems.push({ file, line: 0, directive: 'permissions', expected: 'mode 0600 (no group or other permissions)', got: `mode ${mode.toString(8).padStart(4, '0')}`, hint: `fix: chmod 600 ${file}` });
  }
  if (st.uid !== 0) {
    problems.push({ file, line: 0, directive: 'owner', expected: 'owned by root (uid 0)', got: `uid ${st.uid}`, hint: `fix: chown root:root ${file}` });
  }
  return problems;
}

/** Hooks run as root: the same safety check as resource scripts (validate.ts scriptSafetyProblem). */
function hookProblems(values: HaCfValues, scripts: ScriptChecks): ConfigError[] {
  const problems: ConfigError[] = [];
  for (const hook of values.hooks) {
    scriptSafetyProblem(hook.value.path, scripts, (expected, got, hint) =>
      problems.push({ ...hook.origin, directive: 'tb_hook', expected, got, ...(hint ? { hint } : {}) }),
    );
  }
  return problems;
}

/** A missing serial device is not fatal here (a USB adapter may appear later) but worth saying. */
function serialNotices(values: HaCfValues): Notice[] {
  const out: Notice[] = [];
  for (const port of values.serial) {
    let message: string | null = null;
    try {
      if (!statSync(port.value).isCharacterDevice()) message = `${port.value} is not a character device`;
    } catch {
      message = `${port.value} does not exist (yet?); the serial link stays down until it does`;
    }
    if (message) out.push({ ...port.origin, directive: 'serial', message });
  }
  return out;
}
