// A short digest of what both nodes must agree on, so a node can tell (and say) that its peer
// runs a different configuration: the node pair, the timings, the failback policy, the UDP port
// and the resource groups (owner and resource ids in order; script paths may differ per node).
// The groups are taken in key order: haresources lines in another order on the peer are the same
// configuration (the claims on the wire name groups by key rank too, see src/core/claims.ts).
import { createHash } from 'node:crypto';
import { GROUPS_DIGEST_HEX } from '../protocol/message.js';
import type { Config } from './types.js';

export type SharedPart = Pick<Config, 'nodes' | 'keepaliveMs' | 'deadtimeMs' | 'warntimeMs' | 'initdeadMs' | 'autoFailback' | 'udpport' | 'groups'>;

/**
 * 16 hex characters: the first GROUPS_DIGEST_HEX hash the resource groups alone (in key order),
 * the rest everything shared. The wire carries a prefix (src/protocol/frame.ts), so a peer can tell two kinds
 * of drift apart: other groups (their claims are unreadable, nothing moves by them) and other
 * timings or policy (reported as drift, failover still works).
 */
export function configDigest(shared: SharedPart): string {
  const groups = JSON.stringify(
    [...shared.groups].sort((first, second) => (first.key < second.key ? -1 : first.key > second.key ? 1 : 0)).map((g) => ({ key: g.key, owner: g.owner, resources: g.resources.map((r) => r.id) })),
  );
  const rest = JSON.stringify({
    nodes: [...shared.nodes].sort(),
    keepaliveMs: shared.keepaliveMs,
    deadtimeMs: shared.deadtimeMs,
    warntimeMs: shared.warntimeMs,
    initdeadMs: shared.initdeadMs,
    autoFailback: shared.autoFailback,
    udpport: shared.udpport,
    groups,
  });
  return sha256Hex(groups).slice(0, GROUPS_DIGEST_HEX) + sha256Hex(rest).slice(0, 16 - GROUPS_DIGEST_HEX);
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
