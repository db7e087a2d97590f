// Fault primitives of the lab, addressed by namespace names only, so both a live Lab object and
// the lab CLI (which only has the names from its state file) can use them. None of them needs
// iptables or tc: cables are bridge ports, "no route" is a /32 into a dead-end veth.
import { run, waitFor } from './process.js';
import { LAB_NET } from './addresses.js';
import type { NodeName } from './lab-config.js';

/** Namespace names of a lab with this prefix. */
export function labNamespaces(prefix: string): { bridge: string; alpha: string; bravo: string; client: string; ping: string } {
  return { bridge: `${prefix}-br`, alpha: `${prefix}-a`, bravo: `${prefix}-b`, client: `${prefix}-c`, ping: `${prefix}-p` };
}

/** The bridge-side port of each node's LAN cable. */
export const BRIDGE_PORT: Record<NodeName, string> = { alpha: 'pa', bravo: 'pb' };
export const CLIENT_PORT = 'pc';
export const PING_PORT = 'pp';

const NOWHERE_IF = 'nowhere0';
const NOWHERE_PEER = 'nowhere1';
/** A MAC nobody has: frames to it are dropped by the veth peer (locally administered). */
const NOWHERE_MAC = '02:00:00:00:00:01';

/**
 * Plugs (up) or unplugs (down) a node's LAN cable at the bridge: the node sees no carrier.
 * Plugging waits until the bridge forwards on the port and the node sees carrier: the kernel
 * reports carrier changes with a delay of up to a second, and a test sending at once would
 * otherwise lose its first packets.
 */
export async function setCable(prefix: string, node: NodeName, plugged: boolean): Promise<void> {
  const ns = labNamespaces(prefix);
  const port = BRIDGE_PORT[node];
  await run(['ip', '-n', ns.bridge, 'link', 'set', port, plugged ? 'up' : 'down']);
  if (!plugged) return;
  await waitFor(`${node}'s cable to carry traffic`, async () => {
    // Operational state UP is set by the same deferred kernel work that attaches the transmit
    // queue; carrier flags (LOWER_UP) alone appear earlier, while sends are still dropped.
    const bridgePort = await run(['bridge', '-n', ns.bridge, 'link', 'show', 'dev', port], { allowFail: true });
    const bridgeLink = await run(['ip', '-n', ns.bridge, 'link', 'show', 'dev', port], { allowFail: true });
    const nodeLink = await run(['ip', '-n', ns[node], 'link', 'show', 'dev', LAB_NET.lanIf], { allowFail: true });
    return bridgePort.stdout.includes('state forwarding') && bridgeLink.stdout.includes('state UP') && nodeLink.stdout.includes('state UP');
  }, 10_000);
}

/** Creates the dead end that blackhole() routes into. Both ends up, so sends succeed silently. */
export async function createDeadEnd(ns: string): Promise<void> {
  await run(['ip', '-n', ns, 'link', 'add', NOWHERE_IF, 'type', 'veth', 'peer', 'name', NOWHERE_PEER]);
  await run(['ip', '-n', ns, 'link', 'set', NOWHERE_IF, 'up']);
  await run(['ip', '-n', ns, 'link', 'set', NOWHERE_PEER, 'up']);
}

/**
 * Packets from namespace `ns` to `address` vanish without an error for the sender (as when a
 * cable between two switches is cut); everything else keeps working.
 */
export async function blackhole(ns: string, address: string): Promise<void> {
  await run(['ip', '-n', ns, 'neigh', 'replace', address, 'lladdr', NOWHERE_MAC, 'dev', NOWHERE_IF, 'nud', 'permanent']);
  await run(['ip', '-n', ns, 'route', 'replace', `${address}/32`, 'dev', NOWHERE_IF]);
}

export async function unblackhole(ns: string, address: string): Promise<void> {
  await run(['ip', '-n', ns, 'route', 'del', `${address}/32`, 'dev', NOWHERE_IF], { allowFail: true });
  await run(['ip', '-n', ns, 'neigh', 'del', address, 'dev', NOWHERE_IF], { allowFail: true });
}
