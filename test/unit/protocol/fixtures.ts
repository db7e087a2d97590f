// Shared messages and contexts for the protocol tests.
import type { AuthConfig } from '../../../src/config/types.js';
import type { CodecContext } from '../../../src/protocol/codec.js';
import { MessageType, type Message } from '../../../src/protocol/message.js';

export const ALICE = 'alice-0123456789'; // 16 characters
export const BOB = 'bob-abcdefghijkl'; // 16 characters

export const sha256Auth: AuthConfig = { signIndex: 1, keys: [{ index: 1, method: 'sha256', key: 'correct horse battery staple' }] };

export function ctxFor(self: string, auth: AuthConfig = sha256Auth): CodecContext {
  return { auth, nodes: [ALICE, BOB], self };
}

export function status(overrides: Partial<Message> = {}): Message {
  return {
    type: MessageType.Status,
    from: ALICE,
    generation: 42,
    seq: 1234,
    ackGeneration: 7,
    ackSeq: 1200,
    role: 'active',
    claims: { holds: 0b01, wants: 0b01, grants: 0b10 },
    standby: false,
    configDigest: '3fa9c0de12345678',
    ...overrides,
  };
}

/** The same message as the receiver sees it: the digest travels truncated. */
export function asReceived(message: Message): Message {
  return { ...message, configDigest: message.configDigest.slice(0, 6) };
}

/** The largest realistic heartbeat: 16-character names, counters at their stated maximum, full masks. */
export function worstCaseStatus(): Message {
  return status({ generation: 99_999, seq: 1_000_000_000, ackGeneration: 99_999, ackSeq: 1_000_000_000, claims: { holds: 0xffffffff, wants: 0xffffffff, grants: 0xffffffff }, role: 'transition', standby: true });
}
