// A short digest of what both nodes must agree on, so a node can tell (and say) that its peer
// runs a different configuration: the node pair, the timings, the failback policy, the UDP port
// and the resource groups (owner and resource ids in order; script paths may differ per node).
import { createHash } from 'node:crypto';
import type { Config } from './types.js';

export type SharedPart = Pick<Config, 'nodes' | 'keepaliveMs' | 'deadtimeMs' | 'warntimeMs' | 'initdeadMs' | 'autoFailback' | 'udpport' | 'groups'>;

export function configDigest(shared: SharedPart): string {
  const canonical = JSON.stringify({
    nodes: [...shared.nodes].sort(),
    keepaliveMs: shared.keepaliveMs,
    deadtimeMs: shared.deadtimeMs,
    warntimeMs: shared.warntimeMs,
    initdeadMs: shared.initdeadMs,
    autoFailback: shared.autoFailback,
    udpport: shared.udpport,
    groups: shared.groups.map((g) => ({ owner: g.owner, resources: g.resources.map((r) => r.id) })),
  });
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}
