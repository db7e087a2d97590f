// How a simulated frame crosses the simulated wire.
//
// SEAM: src/protocol/codec.ts (encodeFrame/decodeFrame with authentication) and
// src/protocol/replay.ts (ReplayWindow) were not in the repository when this was written. Until
// they land, frames are serialised as JSON text (so nothing is shared by reference between the
// two machines) and replays/duplicates are rejected by the minimal per-link window below:
// accept (generation, seq) only if newer than the last accepted on that link. Replace both
// functions with the real codec + ReplayWindow when they exist.

import type { Message } from '../../src/protocol/message.js';

export function encodeForWire(message: Message): string {
  return JSON.stringify(message);
}

export type Decoded = { ok: true; message: Message } | { ok: false; reason: string };

export function decodeFromWire(frame: string): Decoded {
  try {
    return { ok: true, message: JSON.parse(frame) as Message };
  } catch {
    return { ok: false, reason: 'malformed' };
  }
}

/** Per receiving link: rejects duplicates and replays of older frames. */
export class LinkReplayGuard {
  private last = { generation: -1, seq: -1 };

  accept(generation: number, seq: number): boolean {
    const { generation: g, seq: s } = this.last;
    if (generation < g || (generation === g && seq <= s)) return false;
    this.last = { generation, seq };
    return true;
  }
}
