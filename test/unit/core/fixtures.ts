// Shared messages for the core tests: a status from peer `b` (generation 5) as the machine
// under test (`a`) would hear it. Pure data.
import { MessageType, type StatusMessage } from '../../../src/protocol/message.js';

export function peerStatus(seq: number, over: Partial<StatusMessage> = {}): StatusMessage {
  return {
    type: MessageType.Status,
    from: 'b',
    generation: 5,
    seq,
    ackGeneration: 0,
    ackSeq: 0,
    role: 'active',
    claims: { holds: 0, wants: 0, grants: 1 },
    standby: false,
    configDigest: 'd1',
    ...over,
  };
}
