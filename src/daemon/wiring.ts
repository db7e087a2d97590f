// The real transport and protocol edge for the daemon: one Link per ha.cf medium (UDP ucast,
// bcast, mcast; serial) and the signed frame codec with per-link replay windows (FrameCodec).
// Reads the host's interface addresses; the links it builds open their own sockets and devices.
import { networkInterfaces } from 'node:os';
import type { Config, Medium } from '../config/types.js';
import type { Link } from '../transport/link.js';
import { UdpLink, type UdpMedium } from '../transport/udp.js';
import { SerialLink } from '../transport/serial.js';
import type { Clock } from './clock.js';
import type { Logger } from './logger.js';
import type { Wiring } from './main.js';
import { FrameCodec } from '../protocol/frame-codec.js';

/** Every IPv4 address of this host (in this network namespace). */
export function localAddresses(): Set<string> {
  const out = new Set<string>();
  for (const entries of Object.values(networkInterfaces())) for (const e of entries ?? []) if (e.family === 'IPv4') out.add(e.address);
  return out;
}

/**
 * The UDP medium for an ha.cf line, or null for a `ucast` to one of our own addresses: pair
 * configs list both nodes' addresses so ha.cf can be identical on both (HEARTBEAT.md §5.1), and
 * the line naming ourselves carries nothing.
 */
export function udpMedium(medium: Exclude<Medium, { kind: 'serial' }>, udpport: number, own: Set<string>): UdpMedium | null {
  switch (medium.kind) {
    case 'ucast':
      return own.has(medium.peer) ? null : { kind: 'ucast', dev: medium.dev, peer: medium.peer, port: udpport };
    case 'bcast':
      return { kind: 'bcast', dev: medium.dev, port: udpport };
    case 'mcast':
      return { kind: 'mcast', dev: medium.dev, group: medium.group, port: medium.port, ttl: medium.ttl, loop: medium.loop };
  }
}

export function createLinks(config: Config, clock: Clock, log: Logger): Link[] {
  const linkLog = log.child('link');
  const deps = { now: () => clock.now(), log: linkLog };
  const own = localAddresses();
  const links: Link[] = [];
  for (const medium of config.media) {
    if (medium.kind === 'serial') {
      links.push(new SerialLink({ device: medium.device, baud: medium.baud }, deps));
      continue;
    }
    const udp = udpMedium(medium, config.udpport, own);
    if (udp === null) {
      linkLog.info('link-skipped', `ucast to ${medium.kind === 'ucast' ? medium.peer : ''} skipped: it is this node's own address`);
      continue;
    }
    links.push(new UdpLink({ medium: udp }, deps));
  }
  return links;
}

export const realWiring: Wiring = {
  createLinks,
  createCodec: (config) => FrameCodec.fromConfig(config),
};
