// Shared messages and contexts for the protocol tests. Pure data.
import type { AuthConfig } from '../../../src/config/types.js';
import type { FrameContext } from '../../../src/protocol/frame.js';
import { MessageType, type Message } from '../../../src/protocol/message.js';

export const ALICE = 'alice-0123456789'; // 16 characters
export const BOB = 'bob-abcdefghijkl'; // 16 characters

export const sha256Auth: AuthConfig = { signIndex: 1, keys: [{ index: 1, method: 'sha256', key: 'correct horse battery staple' }] };

export function ctxFor(self: string, auth: AuthConfig = sha256Auth): FrameContext {
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

/** Every one of the first `groups` groups (1-32) in a claim set. */
export function allGroups(groups: number): number {
  return groups >= 32 ? 0xffffffff : 2 ** groups - 1;
}

/**
 * The largest realistic heartbeat for a pair with `groups` resource groups: 16-character names,
 * counters at their stated maximum (generation 99999, seq/ack 10^9), every group in every set.
 */
export function worstCaseStatus(groups: number): Message {
  const all = allGroups(groups);
  return status({ generation: 99_999, seq: 1_000_000_000, ackGeneration: 99_999, ackSeq: 1_000_000_000, claims: { holds: all, wants: all, grants: all }, role: 'transition', standby: true });
}
