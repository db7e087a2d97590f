// Where a haresources script lives, searched in order (twinbeat's resources.d, then Heartbeat's
// /etc/ha.d/resource.d, then /etc/init.d), and which convention it follows: init.d scripts are
// LSB; others are Heartbeat-style unless they declare themselves OCF by using the OCF shell
// library. The runtime safety checks live in src/resources/locate.ts; this is only what the
// config needs to name a path and a class at load time.
import { accessSync, constants, openSync, readSync, closeSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResourceSpec } from './types.js';

export interface FoundScript {
  path: string;
  class: ResourceSpec['class'];
}

/** The package's resources.d: from dist/src/config/ three levels up is the repository root. */
export function packageResourcesDir(): string {
  return fileURLToPath(new URL('../../../resources.d', import.meta.url));
}

export function defaultScriptSearchPath(): string[] {
  return [packageResourcesDir(), '/etc/ha.d/resource.d', '/etc/init.d'];
}

export function findResourceScript(name: string, searchPath: readonly string[]): FoundScript | null {
  if (name.includes('/') || name === '' || name === '.' || name === '..') return null;
  for (const dir of searchPath) {
    const path = join(dir, name);
    if (!isExecutableFile(path)) continue;
    if (basename(dir) === 'init.d') return { path, class: 'lsb' };
    return { path, class: declaresOcf(path) ? 'ocf' : 'heartbeat' };
  }
  return null;
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
