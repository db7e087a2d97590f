// Test helper (not a test): the real processes a crashed daemon leaves behind — a zombie (killed,
// never reaped by its parent), an unrelated live process that got a pidfile's pid, a control
// socket file nobody listens on any more. Everything started here is stopped by its cleanup.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

/** Waits for a condition, polling (the machine may be loaded). */
async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** The state letter of /proc/PID/stat (R, S, Z, ...), or null when the pid is gone. */
export function procState(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] ?? null;
  } catch {
    return null;
  }
}

function commandOf(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return null;
  }
}

export interface Zombie {
  pid: number;
  /** Kills the parent; the zombie is then reparented and reaped by init. */
  cleanup(): Promise<void>;
}

/**
 * A zombie: `sh` starts `sleep` in the background and then execs a second `sleep` in its own
 * place. That parent never calls wait(), so once its child is killed with SIGKILL the child
 * stays in state Z for as long as the parent lives.
 */
export async function makeZombie(): Promise<Zombie> {
  const parent = spawn('sh', ['-c', 'sleep 600 & echo $!; exec sleep 600'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const cleanup = async () => {
    parent.kill('SIGKILL');
    await exited(parent);
  };
  try {
    const pid = await new Promise<number>((resolve, reject) => {
      parent.stdout!.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
      parent.once('error', reject);
    });
    // Only once the parent is `sleep` (exec done): a shell still running might reap the child.
    await until(`pid ${parent.pid} to exec sleep`, () => commandOf(parent.pid!) === 'sleep');
    process.kill(pid, 'SIGKILL');
    await until(`pid ${pid} to become a zombie`, () => procState(pid) === 'Z');
    return { pid, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/** A live process that has nothing to do with twinbeat. */
export function unrelatedProcess(): { pid: number; alive: () => boolean; cleanup: () => Promise<void> } {
  const child = spawn('sleep', ['600'], { stdio: 'ignore' });
  return {
    pid: child.pid!,
    alive: () => child.exitCode === null && child.signalCode === null,
    cleanup: async () => {
      child.kill('SIGKILL');
      await exited(child);
    },
  };
}

/** Leaves a socket file at `path` whose listener was killed with SIGKILL (as a crashed daemon does). */
export async function staleSocket(path: string): Promise<void> {
  const child = spawn(process.execPath, ['-e', `require('node:net').createServer().listen(${JSON.stringify(path)}, () => console.log('up'))`], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((resolve) => child.stdout!.once('data', resolve));
  child.kill('SIGKILL');
  await exited(child);
  if (!existsSync(path)) throw new Error(`the killed listener left no socket file at ${path}`);
}
