// Messages ↔ signed frames for the daemon: the protocol codec with this node's keys, plus one
// replay window per receiving link (a frame arriving on both UDP and serial is accepted on
// each: each link's liveness is judged on its own). The replay check runs after
// authentication, so forged frames can never move a window.
import type { Config } from '../config/types.js';
import { encodeFrame, decodeFrame, type CodecContext } from '../protocol/codec.js';
import { ReplayWindow } from '../protocol/replay.js';
import type { ReloadableCodec } from './main.js';

function contextOf(config: Config): CodecContext {
  return { auth: config.auth, nodes: config.nodes, self: config.self };
}

export function createFrameCodec(config: Config): ReloadableCodec {
  let ctx = contextOf(config);
  const windows = new Map<string, ReplayWindow>();
  return {
    encode: (message) => encodeFrame(message, ctx),
    decode(frame, link) {
      const decoded = decodeFrame(frame, ctx);
      if (!decoded.ok) return { ok: false, reason: decoded.reason };
      let window = windows.get(link);
      if (window === undefined) windows.set(link, (window = new ReplayWindow()));
      const verdict = window.check(decoded.message.generation, decoded.message.seq);
      return verdict.ok ? { ok: true, message: decoded.message } : { ok: false, reason: verdict.reason };
    },
    // New keys (rollover) and node names; the replay windows stay: the peer's run did not change.
    setConfig(next) {
      ctx = contextOf(next);
    },
  };
}
