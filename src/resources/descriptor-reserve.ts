// Descriptors kept in reserve so a takeover can still spawn its scripts when something else (a
// flood of connections, a leak) has used up the process's open-files limit. The reserve is a
// few descriptors open on /dev/null (close-on-exec, so no script inherits them); they are
// closed right before a spawn and reopened right after. The spawn runs synchronously in between,
// so nothing on the event loop can take them first; only the libuv thread pool could, with at
// most UV_THREADPOOL_SIZE opens at once, and the reserve covers that too.
// Touches only /dev/null descriptors it opened itself.
import { closeSync, openSync } from 'node:fs';

/** What one spawn holds open at once in the parent: stdout and stderr pipes and libuv's exec-error pipe (2 each), plus a gated start's stdin pipe (runner.ts). */
export const SPAWN_DESCRIPTORS = 8;
/** Opens the libuv thread pool can run concurrently with a spawn. */
const THREAD_POOL_OPENS = Number(process.env['UV_THREADPOOL_SIZE']) || 4;
/** Fewer free descriptors than this (reserve included) and a spawn is not even tried. */
export const SPAWN_MINIMUM = SPAWN_DESCRIPTORS + THREAD_POOL_OPENS;

export type Spawned<T> = { ok: true; value: T } | { ok: false; reason: string };

export class DescriptorReserve {
  private readonly held: number[] = [];
  /** /dev/null cannot be opened for another reason than a shortage: no reserve, spawn directly. */
  private unavailable = false;

  constructor(readonly size = SPAWN_MINIMUM + 4) {
    this.refill();
  }

  /** Descriptors held right now. */
  get count(): number {
    return this.held.length;
  }

  /**
   * Calls `spawn` with the reserve released, or not at all (a failed result) when fewer than
   * SPAWN_MINIMUM descriptors are free even counting the reserve: then spawning would fail with
   * EMFILE, and execa loses such a child's error event (an uncaught exception).
   */
  spawnWith<T>(spawn: () => T): Spawned<T> {
    this.refill();
    if (!this.unavailable && this.held.length < SPAWN_MINIMUM) {
      return { ok: false, reason: `EMFILE: too many open files (${this.held.length} descriptors free, a spawn needs ${SPAWN_MINIMUM})` };
    }
    for (const fd of this.held.splice(0)) closeSync(fd);
    try {
      return { ok: true, value: spawn() };
    } finally {
      this.refill();
    }
  }

  private refill(): void {
    while (!this.unavailable && this.held.length < this.size) {
      try {
        this.held.push(openSync('/dev/null', 'r'));
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'EMFILE' && code !== 'ENFILE') this.unavailable = true;
        return;
      }
    }
  }
}

let shared: DescriptorReserve | null = null;

/** One reserve per process, shared by every runner; opened by the first runner (at daemon start). */
export function processReserve(): DescriptorReserve {
  shared ??= new DescriptorReserve();
  return shared;
}
