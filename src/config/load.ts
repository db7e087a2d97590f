// The only part of src/config that touches the system: reads DIR/ha.cf, DIR/haresources
// and DIR/authkeys, checks authkeys' mode and owner, and returns a Config or every problem found,
// all at once. Resource scripts and hooks are resolved and vetted through the ScriptChecks the
// caller passes (src/resources/locate.ts scriptChecks), so src/config never imports the runner's
// side. Host names in ha.cf are resolved here too (hostnames.ts), through the Resolver in the
// options: systemResolver (getaddrinfo: /etc/hosts, then DNS) unless a test injects a fake.
import { open, stat, type FileHandle } from 'node:fs/promises';
import { statSync } from 'node:fs';
import { lookup } from 'node:dns/promises';
import { join } from 'node:path';
import type { Config, ScriptChecks } from './types.js';
import { type ConfigError, type Notice, type Warning, boundedError, boundedNotice, boundedWarning } from './errors.js';
import { parseHaCf } from './hacf.js';
import { parseHaresources } from './haresources.js';
import { parseAuthkeys } from './authkeys.js';
import { buildConfig, scriptSafetyProblem } from './validate.js';
import type { HaCfValues } from './directives.js';
import { type Resolver, resolveHostNames, resolveTimeoutMs } from './hostnames.js';

export interface LoadOptions {
  /** Script lookup and safety check: `scriptChecks(dir)` from src/resources/locate.ts. */
  scripts: ScriptChecks;
  /** Host name lookup for ucast, ping and ping_group (default: systemResolver()). */
  resolve?: Resolver;
  /** Longest wait for one name (default: resolveTimeoutMs). */
  resolveTimeoutMs?: number;
}

/** Warnings (a protection is lost) and notices come back whether or not the configuration is valid. */
export type LoadResult =
  | { ok: true; config: Config; warnings: Warning[]; notices: Notice[] }
  | { ok: false; errors: ConfigError[]; warnings: Warning[]; notices: Notice[] };

/** getaddrinfo restricted to IPv4 (the transports and ping are IPv4 only). */
export function systemResolver(): Resolver {
  return async (name) => (await lookup(name, { family: 4, all: true })).map((a) => a.address);
}

export const configFiles = { haCf: 'ha.cf', haresources: 'haresources', authkeys: 'authkeys' } as const;

export async function loadConfig(dir: string, node: string, options: LoadOptions): Promise<LoadResult> {
  const haCfFile = join(dir, configFiles.haCf);
  const haresourcesFile = join(dir, configFiles.haresources);
  const authkeysFile = join(dir, configFiles.authkeys);
  const errors: ConfigError[] = [];
  const warnings: Warning[] = [];
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
  let resolved: Awaited<ReturnType<typeof resolveHostNames>> | null = null;
  if (hacf) {
    warnings.push(...hacf.warnings);
    errors.push(...hookProblems(hacf.values, options.scripts));
    notices.push(...serialNotices(hacf.values));
    resolved = await resolveHostNames(hacf.values, node, options.resolve ?? systemResolver(), options.resolveTimeoutMs ?? resolveTimeoutMs);
    errors.push(...resolved.errors);
    notices.push(...resolved.notices);
  }
  // Everything returned is bounded: a huge token in a file never makes a huge message (errors.ts).
  const ordered = inFileOrder([haCfFile, haresourcesFile, authkeysFile]);
  const reportedErrors = () => ordered(errors).map(boundedError);
  const reportedWarnings = ordered(warnings).map(boundedWarning);
  if (!hacf || !haresources || !resolved) return { ok: false, errors: reportedErrors(), warnings: reportedWarnings, notices: ordered(notices).map(boundedNotice) };

  const built = buildConfig({
    dir,
    self: node,
    haCfFile,
    haresourcesFile,
    hacf: resolved.values,
    hostNames: resolved.names,
    groups: haresources.groups,
    auth: authkeys?.auth ?? null,
    scripts: options.scripts,
  });
  errors.push(...built.errors);
  notices.push(...built.notices);
  const reportedNotices = ordered(notices).map(boundedNotice);
  if (errors.length > 0 || !built.config) return { ok: false, errors: reportedErrors(), warnings: reportedWarnings, notices: reportedNotices };
  return { ok: true, config: built.config, warnings: reportedWarnings, notices: reportedNotices };
}

/** Problems sorted the way an operator reads them: file by file, top to bottom. */
function inFileOrder(files: string[]) {
  const rank = (file: string) => (files.includes(file) ? files.indexOf(file) : files.length);
  return <T extends { file: string; line: number }>(items: T[]): T[] =>
    [...items].sort((a, b) => rank(a.file) - rank(b.file) || a.line - b.line);
}

/**
 * Heartbeat's files are a few kilobytes; anything past this is not a configuration, and reading
 * and lexing it would stall a reload (10 MB: ~100 ms of the daemon's event loop).
 */
export const largestConfigFile = 1024 * 1024;

async function readText(file: string, errors: ConfigError[], hint?: string): Promise<string | null> {
  const refuse = (expected: string, got: string, withHint?: string) => {
    errors.push({ file, line: 0, directive: 'file', expected, got, ...(withHint ? { hint: withHint } : {}) });
    return null;
  };
  let handle: FileHandle | null = null;
  try {
    handle = await open(file, 'r');
    // A FIFO or a device (a symlink to /dev/zero) would never end or never answer.
    if (!(await handle.stat()).isFile()) return refuse('a regular file', 'something else (a device, FIFO or directory)');
    const buffer = Buffer.alloc(largestConfigFile + 1);
    let size = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, size, buffer.length - size, size);
      if (bytesRead === 0) break;
      size += bytesRead;
      if (size > largestConfigFile) return refuse(`a file of at most ${largestConfigFile / 1024} KiB`, 'a larger one');
    }
    return buffer.subarray(0, size).toString('utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    return refuse('a readable file', code, hint && code === 'ENOENT' ? hint : undefined);
  } finally {
    await handle?.close();
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
