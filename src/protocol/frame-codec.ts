// The frame codec as the daemon uses it (FrameCodec): signs with the configured key, and on
// input decodes (frame.ts), authenticates and runs the replay window of that (link, sender). A
// refused frame comes back with its drop reason; the daemon loop is the one place that counts
// them per link. Reloading swaps the keys and node names but keeps the windows (a reload is not
// a restart). Pure: no I/O, only its own replay windows.
//
// Only the first 6 hex digits of the config digest travel: decoded messages carry
// wireDigest(theirs), so the core compares it with wireDigest(ours) (src/daemon/core-config.ts).
import type { Config } from '../config/types.js';
import type { Message } from './message.js';
import { decodeFrame, encodeFrame, type FrameContext, type DecodeResult } from './frame.js';
import { ReplayWindow } from './replay.js';

/** The parts of a Config the codec uses. */
export type FrameCodecConfig = Pick<Config, 'auth' | 'self'> & { nodes: readonly string[] };

export function frameContextFrom(config: FrameCodecConfig): FrameContext {
  return { auth: config.auth, nodes: config.nodes, self: config.self };
}

export class FrameCodec {
  private readonly windows = new Map<string, ReplayWindow>();

  constructor(private ctx: FrameContext) {}

  static fromConfig(config: FrameCodecConfig): FrameCodec {
    return new FrameCodec(frameContextFrom(config));
  }

  setContext(ctx: FrameContext): void {
    this.ctx = ctx;
  }

  /** Adopt the keys and names of a reloaded configuration. */
  setConfig(config: FrameCodecConfig): void {
    this.setContext(frameContextFrom(config));
  }

  encode(message: Message): string {
    return encodeFrame(message, this.ctx);
  }

  decode(frame: string, link: string): DecodeResult {
    const result = decodeFrame(frame, this.ctx);
    if (!result.ok) return result;
    const key = `${link}\u0000${result.message.from}`;
    let window = this.windows.get(key);
    if (!window) this.windows.set(key, (window = new ReplayWindow()));
    const verdict = window.check(result.message.generation, result.message.seq);
    return verdict.ok ? result : { ok: false, reason: verdict.reason };
  }
}
