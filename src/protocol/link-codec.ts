// The codec as the daemon uses it: signs with the configured key, and on input decodes,
// authenticates and runs the replay window of that (link, sender), counting every drop per link.
// Reloading swaps the keys and node names but keeps the windows (a reload is not a restart).
//
// Only the first 6 hex digits of the config digest travel. Given our own digest, decode compares
// at that length and, when they agree, hands the core our full digest, so the core can compare
// digests with plain equality; a differing digest stays 6 digits long and never matches.
import type { Config } from '../config/types.js';
import type { Message } from './message.js';
import { decodeFrame, encodeFrame, wireDigest, type CodecContext, type DecodeResult } from './codec.js';
import { DropCounters, type DropReason } from './drops.js';
import { ReplayWindow } from './replay.js';

/** The parts of a Config the codec uses. */
export type CodecConfig = Pick<Config, 'auth' | 'self' | 'digest'> & { nodes: readonly string[] };

export function codecContextFrom(config: Omit<CodecConfig, 'digest'>): CodecContext {
  return { auth: config.auth, nodes: config.nodes, self: config.self };
}

export class LinkCodec {
  private readonly windows = new Map<string, ReplayWindow>();
  private readonly drops = new Map<string, DropCounters>();

  constructor(
    private ctx: CodecContext,
    private ownDigest: string | null = null,
  ) {}

  static fromConfig(config: CodecConfig): LinkCodec {
    return new LinkCodec(codecContextFrom(config), config.digest);
  }

  setContext(ctx: CodecContext, ownDigest: string | null = this.ownDigest): void {
    this.ctx = ctx;
    this.ownDigest = ownDigest;
  }

  /** Adopt the keys, names and digest of a reloaded configuration. */
  setConfig(config: CodecConfig): void {
    this.setContext(codecContextFrom(config), config.digest);
  }

  encode(message: Message): string {
    return encodeFrame(message, this.ctx);
  }

  decode(frame: string, link: string): DecodeResult {
    const result = decodeFrame(frame, this.ctx);
    if (!result.ok) return this.dropped(link, result.reason);
    const key = `${link}\u0000${result.message.from}`;
    let window = this.windows.get(key);
    if (!window) this.windows.set(key, (window = new ReplayWindow()));
    const verdict = window.check(result.message.generation, result.message.seq);
    if (!verdict.ok) return this.dropped(link, verdict.reason);
    if (this.ownDigest !== null && result.message.configDigest === wireDigest(this.ownDigest)) result.message.configDigest = this.ownDigest;
    return result;
  }

  /** Drops on `link` by reason (all reasons present, zero or not). */
  dropsFor(link: string): Record<DropReason, number> {
    return (this.drops.get(link) ?? new DropCounters()).snapshot();
  }

  private dropped(link: string, reason: DropReason): DecodeResult {
    let counters = this.drops.get(link);
    if (!counters) this.drops.set(link, (counters = new DropCounters()));
    counters.count(reason);
    return { ok: false, reason };
  }
}
