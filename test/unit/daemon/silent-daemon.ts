// Test helper (not a test): a real `twinbeat start -f` as node alpha with the silent-peer wiring
// (test/unit/cli/silent-peer-cli.ts), its stdout and stderr collected, killed with SIGKILL when
// the test ends if still running; and a poll for a condition on files the daemon writes.
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The twinbeat CLI with the silent-peer wiring. */
export const silentCli = join(dirname(fileURLToPath(import.meta.url)), '../cli/silent-peer-cli.js');

export interface ForegroundDaemon {
  process: ChildProcess;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  exited: Promise<number | null>;
}

export function startForeground(t: { after(fn: () => void): void }, configDir: string, env: NodeJS.ProcessEnv = process.env): ForegroundDaemon {
  const child = spawn(process.execPath, [silentCli, '-c', configDir, '--node', 'alpha', 'start', '-f'], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  return { process: child, output: () => output, exited };
}

/** Polls `fn` every 50 ms; throws with `detail()` after `timeoutMs`. */
export async function waitUntil(what: string, fn: () => boolean, detail: () => string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${detail()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
