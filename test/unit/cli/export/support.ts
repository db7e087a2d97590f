// Shared by the export tests: load a configuration the way the export command does (the public
// loadConfig, with a fixture's script search path), from a fixture or from text written to a
// temporary directory. Touches only temporary directories it creates and removes.
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../../src/config/load.js';
import { scriptChecks } from '../../../../src/resources/locate.js';
import { formatError } from '../../../../src/config/errors.js';
import type { Config } from '../../../../src/config/types.js';
import { stage } from '../../config/stage.js';

export async function loadFixture(kind: 'valid', name: string): Promise<Config> {
  const s = stage(kind, name);
  try {
    const r = await loadConfig(s.dir, s.node, { scripts: s.scripts, resolve: s.resolve });
    if (!r.ok) throw new Error(r.errors.map(formatError).join('\n'));
    return r.config;
  } finally {
    s.remove();
  }
}

export interface ConfigText {
  haCf: string;
  haresources: string;
  /** Scripts to create: name → 'heartbeat' (resource.d), 'lsb' (init.d) or 'ocf' (resource.d, declares OCF). */
  scripts?: Record<string, 'heartbeat' | 'lsb' | 'ocf'>;
}

/** A config directory written from text, loaded as alpha, removed again. */
export async function loadText(text: ConfigText): Promise<Config> {
  const dir = mkdtempSync(join(tmpdir(), 'tb-export-'));
  try {
    writeConfigDir(dir, text);
    const r = await loadConfig(dir, 'alpha', { scripts: scriptChecks(dir, [join(dir, 'resource.d'), join(dir, 'init.d')]) });
    if (!r.ok) throw new Error(r.errors.map(formatError).join('\n'));
    return r.config;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function writeConfigDir(dir: string, text: ConfigText): void {
  writeFileSync(join(dir, 'ha.cf'), text.haCf);
  writeFileSync(join(dir, 'haresources'), text.haresources);
  writeFileSync(join(dir, 'authkeys'), 'auth 1\n1 sha256 do-not-leak-this-secret\n', { mode: 0o600 });
  chmodSync(join(dir, 'authkeys'), 0o600);
  if (process.getuid?.() === 0) chownSync(join(dir, 'authkeys'), 0, 0);
  for (const sub of ['resource.d', 'init.d']) mkdirSync(join(dir, sub), { mode: 0o755 });
  // IP resources need their script like any other (twinbeat ships it in resources.d).
  for (const [name, kind] of Object.entries({ IPaddr: 'heartbeat', IPaddr2: 'heartbeat', ...text.scripts })) {
    const body = kind === 'ocf' ? '#!/bin/sh\n: ${OCF_ROOT=/usr/lib/ocf}\n. ${OCF_ROOT}/lib/heartbeat/ocf-shellfuncs\nexit 0\n' : '#!/bin/sh\nexit 0\n';
    writeFileSync(join(dir, kind === 'lsb' ? 'init.d' : 'resource.d', name), body, { mode: 0o755 });
  }
}

/** All values of one attribute in document order, e.g. every id="…". */
export function attributeValues(xml: string, name: string): string[] {
  return [...xml.matchAll(new RegExp(`\\s${name}="([^"]*)"`, 'g'))].map((m) => m[1]!);
}
