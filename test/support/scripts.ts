// Shared by the resource tests: fixture scripts copied into a fresh root-owned temp directory
// (so the safety check judges the copy, not however the checkout happens to be owned), and a
// way to tell whether a pid is really gone (a zombie counts as gone: it runs nothing).
import { chmodSync, copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResourceSpec } from '../../src/config/types.js';
import { fixturesDir, repoRoot } from './paths.js';
import { processAlive } from '../../src/daemon/pidfile.js';

export interface ScriptDir {
  dir: string;
  /** Absolute path of a copied script. */
  path(name: string): string;
  spec(name: string, args: string[], cls?: ResourceSpec['class']): ResourceSpec;
  remove(): void;
}

/** Copies test/fixtures/scripts and resources.d into a new temp directory, mode 0755. */
export function copyScripts(): ScriptDir {
  const dir = mkdtempSync(join(tmpdir(), 'tb4-scripts-'));
  chmodSync(dir, 0o755);
  for (const from of [join(fixturesDir, 'scripts'), join(repoRoot, 'resources.d')]) {
    for (const name of readdirSync(from)) {
      copyFileSync(join(from, name), join(dir, name));
      chmodSync(join(dir, name), 0o755);
    }
  }
  const path = (name: string) => join(dir, name);
  return {
    dir,
    path,
    spec: (name, args, cls = 'heartbeat') => ({ id: [name, ...args].join('::'), script: name, args, path: path(name), class: cls }),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** True while the process exists and is not a zombie: the daemon's own test (src/daemon/pidfile.ts). */
export const isRunning = processAlive;

/** Polls (generously: the machine may be loaded) until none of the pids runs. */
export async function waitGone(pids: number[], withinMs = 5000): Promise<boolean> {
  const until = Date.now() + withinMs;
  while (Date.now() < until) {
    if (!pids.some(isRunning)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !pids.some(isRunning);
}

export function readPids(file: string): number[] {
  return readFileSync(file, 'utf8').trim().split(/\s+/).map(Number);
}

/** Test cleanup: stop a process we started, by pid, if it still exists. */
export function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
