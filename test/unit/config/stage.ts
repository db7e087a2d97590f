// Config fixtures live in git, which does not keep mode 0600; tests copy a fixture directory to
// a fresh temporary directory and give authkeys the mode and owner twinbeat requires. Host names
// resolve through the fixture's `hosts` file (/etc/hosts syntax), never the system resolver, so
// no test asks a DNS server.
import { chmodSync, chownSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixturesDir } from '../../support/paths.js';
import { scriptChecks } from '../../../src/resources/locate.js';
import type { ScriptChecks } from '../../../src/config/types.js';
import type { Resolver } from '../../../src/config/hostnames.js';

export const configFixtures = join(fixturesDir, 'config');

export interface Staged {
  dir: string;
  /** Script search path for this fixture: its resource.d and init.d. */
  searchPath: string[];
  /** loadConfig's script lookup over that search path, with the real safety check. */
  scripts: ScriptChecks;
  /** Host name lookup over the fixture's `hosts` file; other names are not found (ENOTFOUND). */
  resolve: Resolver;
  /** Node to load as (the fixture's node.txt, else alpha). */
  node: string;
  /** Errors and notices with the temporary directory replaced by nothing, for comparison. */
  relative(text: string): string;
  remove(): void;
}

export function stage(kind: 'valid' | 'invalid', name: string): Staged {
  const source = join(configFixtures, kind, name);
  const dir = mkdtempSync(join(tmpdir(), `tb-config-${name}-`));
  cpSync(source, dir, { recursive: true });
  const authkeys = join(dir, 'authkeys');
  // A fixture may ask for another mode (authkeys-mode holds it in octal) to test the check.
  const modeFile = join(source, 'authkeys-mode');
  const mode = existsSync(modeFile) ? parseInt(readFileSync(modeFile, 'utf8').trim(), 8) : 0o600;
  if (existsSync(authkeys)) {
    chmodSync(authkeys, mode);
    if (process.getuid?.() === 0) chownSync(authkeys, 0, 0);
  }
  const nodeFile = join(dir, 'node.txt');
  const node = existsSync(nodeFile) ? readFileSync(nodeFile, 'utf8').trim() : 'alpha';
  const searchPath = [join(dir, 'resource.d'), join(dir, 'init.d')];
  return {
    dir,
    searchPath,
    scripts: scriptChecks(dir, searchPath),
    resolve: fakeResolver(existsSync(join(dir, 'hosts')) ? readFileSync(join(dir, 'hosts'), 'utf8') : ''),
    node,
    relative: (text) => text.split(`${dir}/`).join(''),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A Resolver answering from `hosts` text (/etc/hosts syntax: ADDRESS NAME [ALIAS…]), case-insensitively. */
export function fakeResolver(hosts: string): Resolver {
  const table = new Map<string, string[]>();
  for (const line of hosts.split('\n')) {
    const [address, ...names] = line.replace(/#.*/, '').trim().split(/\s+/);
    if (!address || names.length === 0) continue;
    for (const name of names) table.set(name.toLowerCase(), [...(table.get(name.toLowerCase()) ?? []), address]);
  }
  return async (name) => {
    const found = table.get(name.toLowerCase());
    if (found) return found;
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
  };
}
