// The links a configuration asks for, one per medium line, not yet opened. A `ucast` line whose
// peer is one of this host's own addresses is skipped: Heartbeat users list both nodes' ucast
// lines so ha.cf can be identical on both, and a link to ourselves could never hear the peer.
import { networkInterfaces } from 'node:os';
import type { Config } from '../config/types.js';
import type { Link } from './link.js';
import type { LinkDeps } from './log.js';
import { SerialLink } from './serial.js';
import { UdpLink } from './udp.js';

export function localAddresses(): Set<string> {
  const out = new Set<string>();
  for (const entries of Object.values(networkInterfaces())) for (const e of entries ?? []) out.add(e.address);
  return out;
}

export function createLinks(config: Pick<Config, 'media' | 'udpport' | 'baud'>, deps: LinkDeps, ownAddresses = localAddresses()): Link[] {
  const links: Link[] = [];
  for (const medium of config.media) {
    switch (medium.kind) {
      case 'ucast':
        if (ownAddresses.has(medium.peer)) {
          deps.log.info('link-skipped', `ucast ${medium.dev} ${medium.peer}: that is this host's own address, no link needed`, { dev: medium.dev, peer: medium.peer });
          break;
        }
        links.push(new UdpLink({ medium: { kind: 'ucast', dev: medium.dev, peer: medium.peer, port: config.udpport } }, deps));
        break;
      case 'bcast':
        links.push(new UdpLink({ medium: { kind: 'bcast', dev: medium.dev, port: config.udpport } }, deps));
        break;
      case 'mcast':
        links.push(new UdpLink({ medium: { kind: 'mcast', dev: medium.dev, group: medium.group, port: medium.port, ttl: medium.ttl, loop: medium.loop } }, deps));
        break;
      case 'serial':
        links.push(new SerialLink({ device: medium.device, baud: medium.baud }, deps));
        break;
    }
  }
  return links;
}
