// Property family: duplicate-address detection ahead of deadtime (issue 13, the pre-probe). Why:
// a node may skip the address check at a start only on a probe it took itself; a stale probe, one
// of another group, or one taken before the peer was last heard, could miss a peer that still
// answers for the address, and a daemon killed with -9 leaves its addresses up. Test code only:
// touches nothing outside test/sim.
//   dad-fresh         (issue 13) a start skips duplicate-address detection only on a probe of
//                     its own group, answered "free", issued after the node last heard the peer
//                     (taken during this silence) and at most 2·D before the start.
//   dad-orphan        (issue 13) a start never skips duplicate-address detection while the other
//                     machine's killed daemon left that address running (kill -9: it still
//                     answers ARP, and the probe must have seen it).

import type { SimNode } from '../world.js';
import type { Context } from './context.js';

/** dad-fresh, dad-orphan: `node` starts `resource` skipping duplicate-address detection on probe `opId`. */
export function checkDadSkip(c: Context, node: SimNode, resource: string, opId: number): void {
  const now = c.world.now;
  const probe = node.dadProbes.get(opId);
  const group = node.config.groups.findIndex((g) => g.resources.some((r) => r.id === resource));
  if (probe === undefined || probe.group !== group || probe.free !== true) {
    c.fail('dad-fresh', `${node.name} starts ${resource} skipping duplicate-address detection on probe ${opId}, which ${probe === undefined ? 'it never issued' : probe.free === null ? 'has not answered' : probe.group !== group ? 'was of another group' : 'found the address in use'}`);
  } else if (node.heardAt !== null && probe.issuedAt <= node.heardAt) {
    c.fail('dad-fresh', `${node.name} starts ${resource} skipping duplicate-address detection on a probe taken at ${probe.issuedAt}, before it last heard ${node.peer} at ${node.heardAt}`);
  } else if (now - probe.issuedAt > 2 * c.world.options.deadtimeMs) {
    c.fail('dad-fresh', `${node.name} starts ${resource} skipping duplicate-address detection on a probe ${now - probe.issuedAt} ms old (limit: two deadtimes, ${2 * c.world.options.deadtimeMs} ms)`);
  }
  const peer = c.world.nodes[node.peer];
  if (peer.orphaned && peer.actual.get(resource) === 'running' && resource.startsWith('IPaddr')) {
    c.fail('dad-orphan', `${node.name} starts ${resource} skipping duplicate-address detection while ${peer.name}'s killed daemon left it running`);
  }
}
