// Test helper (not a test): the child processes this test process starts, seen on the
// `child_process` diagnostics channel (node:child_process publishes every ChildProcess it
// creates), so a test can await the moment the children that the code under test started have
// finished and that code's callbacks have run, instead of sleeping and hoping they have.
// Touches nothing: it only listens, and stops listening when the test ends.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ChildProcess } from 'node:child_process';

export interface ChildTracker {
  /** How many child processes were started since the tracker was made. */
  count(): number;
  /**
   * Resolves once every child started so far has emitted 'close'. Our 'close' listener is added
   * when the child is created, before execFile's or the caller's own, and a promise resolves
   * only after the whole emit: so by then those callbacks have run as well.
   */
  settled(): Promise<void>;
}

export function trackChildren(t: { after(fn: () => void): void }): ChildTracker {
  const closed: Promise<unknown>[] = [];
  const onChild = (message: unknown) => {
    const child = (message as { process: ChildProcess }).process;
    // Not events.once: its 'error' listener would hide an error the code under test leaves unhandled.
    closed.push(new Promise((resolve) => child.once('close', resolve)));
  };
  subscribe('child_process', onChild);
  t.after(() => unsubscribe('child_process', onChild));
  return {
    count: () => closed.length,
    settled: async () => {
      // A callback run by a close may start another child: wait for that one too.
      for (let seen = -1; seen !== closed.length; ) {
        seen = closed.length;
        await Promise.all(closed);
      }
    },
  };
}
