// Suppression of identical log lines. A flapping link or a peer sending garbage can produce the
// same event hundreds of times a second; the log must stay readable and the disk must not fill.
// The first occurrence of a (level, event, message) key is passed through; repeats within
// `windowMs` are counted, and one summary line reports the count when the window ends.
// Pure: time is passed in, so tests need no timers.

export interface Suppressed {
  level: string;
  event: string;
  message: string;
  count: number;
  windowMs: number;
}

interface Window {
  level: string;
  event: string;
  message: string;
  startedAt: number;
  suppressed: number;
}

export class RateLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    readonly windowMs: number,
    /** Bound on distinct keys remembered, so unique messages cannot grow memory without limit. */
    private readonly maxKeys = 1000,
  ) {}

  /**
   * Decide about one line at `now`. Returns whether to emit it, plus the summary of the previous
   * window of the same key when that window has just ended with suppressed repeats.
   */
  admit(now: number, level: string, event: string, message: string): { emit: boolean; summary: Suppressed | null } {
    const key = `${level}\u0000${event}\u0000${message}`;
    const current = this.windows.get(key);
    if (current !== undefined && now - current.startedAt < this.windowMs) {
      current.suppressed++;
      return { emit: false, summary: null };
    }
    const summary = current !== undefined ? this.summaryOf(current) : null;
    if (current === undefined && this.windows.size >= this.maxKeys) this.expire(now);
    this.windows.set(key, { level, event, message, startedAt: now, suppressed: 0 });
    return { emit: true, summary };
  }

  /** Summaries of every window that has ended by `now` (or all, when `all`), forgetting them. */
  flush(now: number, all = false): Suppressed[] {
    const out: Suppressed[] = [];
    for (const [key, w] of this.windows) {
      if (!all && now - w.startedAt < this.windowMs) continue;
      this.windows.delete(key);
      const summary = this.summaryOf(w);
      if (summary !== null) out.push(summary);
    }
    return out;
  }

  private expire(now: number): void {
    for (const [key, w] of this.windows) if (now - w.startedAt >= this.windowMs && w.suppressed === 0) this.windows.delete(key);
    // Still full of live windows: forget the oldest (its repeats will simply be logged again).
    if (this.windows.size >= this.maxKeys) {
      const oldest = this.windows.keys().next();
      if (!oldest.done) this.windows.delete(oldest.value);
    }
  }

  private summaryOf(w: Window): Suppressed | null {
    return w.suppressed > 0 ? { level: w.level, event: w.event, message: w.message, count: w.suppressed, windowMs: this.windowMs } : null;
  }
}
