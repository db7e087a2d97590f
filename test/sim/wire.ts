// How a simulated frame crosses the simulated wire.
//
// 'codec' (scenarios, targeted tests, and a share of the soak): through the daemon's own codec.
// Each machine has a FrameCodec (src/protocol/frame-codec.ts) like the real daemon: encodeFrame
// signs the status into one text line (HMAC-SHA256 with the pair's shared key), and on arrival
// decodeFrame parses and authenticates it and the per-(link, sender) ReplayWindow drops
// duplicates and replays. A rebooted machine starts with fresh windows, as a restarted daemon does.
//
// 'copy' (most soak schedules, for speed: signing dominates the run time): the message is copied
// (nothing shared by reference) and checked by the same per-link ReplayWindow, without text
// encoding and HMAC. The codec itself is covered by test/unit/protocol.

import type { AuthConfig } from '../../src/config/types.js';
import { FrameCodec } from '../../src/protocol/frame-codec.js';
import type { Message } from '../../src/protocol/message.js';
import { ReplayWindow } from '../../src/protocol/replay.js';

export type WireMode = 'codec' | 'copy';

export const SIM_AUTH: AuthConfig = { signIndex: 1, keys: [{ index: 1, method: 'sha256', key: 'simulated pair secret' }] };

/** One machine's end of the wire: what it puts on a link, and what it accepts from one. */
export interface WireEnd {
  encode(message: Message): string | Message;
  decode(frame: string | Message, link: string): Message | null;
}

export function wireEnd(mode: WireMode, self: string, nodes: readonly [string, string]): WireEnd {
  if (mode === 'codec') {
    const codec = new FrameCodec({ auth: SIM_AUTH, nodes, self });
    return {
      encode: (message) => codec.encode(message),
      decode: (frame, link) => {
        const result = codec.decode(frame as string, link);
        return result.ok ? result.message : null;
      },
    };
  }
  const windows = new Map<string, ReplayWindow>();
  return {
    encode: (message) => ({ ...message, claims: { ...message.claims } }),
    decode: (frame, link) => {
      const message = frame as Message;
      let window = windows.get(link);
      if (!window) windows.set(link, (window = new ReplayWindow()));
      return window.check(message.generation, message.seq).ok ? { ...message, claims: { ...message.claims } } : null;
    },
  };
}
