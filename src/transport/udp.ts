// UDP heartbeat media with Heartbeat's semantics (HEARTBEAT.md §5.1):
//   ucast DEV PEER               send to PEER:udpport; receive on DEV's address:udpport
//   bcast DEV                    send to DEV's broadcast address; receive on 0.0.0.0:udpport
//   mcast DEV GROUP PORT TTL LOOP join GROUP on DEV; send to and receive on GROUP:PORT
//
// Node has no SO_BINDTODEVICE, so the device is used through its IPv4 address: ucast binds that
// address, mcast joins the group on it, and bcast (which must bind 0.0.0.0 to hear broadcasts)
// keeps only datagrams whose source lies in the device's subnet. Datagrams from our own address
// (broadcast and multicast loop back) are dropped as `own-frame` before decoding.
//
// A socket is bound inside the network namespace of the process that opens it; to run links in
// several namespaces, run one process per namespace (`ip netns exec`), as the daemon does.
import dgram from 'node:dgram';
import { networkInterfaces } from 'node:os';
import { BaseLink } from './base.js';
import type { LinkDeps } from './log.js';
import { Reopener } from './reopen.js';

export type UdpMedium =
  | { kind: 'ucast'; dev: string; peer: string; port: number }
  | { kind: 'bcast'; dev: string; port: number }
  | { kind: 'mcast'; dev: string; group: string; port: number; ttl: number; loop: boolean };

export interface UdpLinkOptions {
  medium: UdpMedium;
  /**
   * Use this local IPv4 address instead of looking DEV up (tests on loopback, where several
   * links share `lo`). Normally omitted.
   */
  localAddress?: string;
  /** Re-open backoff while the device is missing or has no address: first delay and cap, ms (defaults 100 and 1000). */
  reopenMinMs?: number;
  reopenMaxMs?: number;
}

interface DeviceAddress {
  address: string;
  netmask: string;
}

/** DEV's first IPv4 address, or an Error that says what is wrong. */
export function deviceAddress(dev: string): DeviceAddress | Error {
  const entries = networkInterfaces()[dev];
  if (!entries) return new Error(`network device ${dev} does not exist (in this network namespace)`);
  const v4 = entries.find((e) => e.family === 'IPv4');
  if (!v4) return new Error(`network device ${dev} has no IPv4 address`);
  return { address: v4.address, netmask: v4.netmask };
}

const toInt = (ip: string): number => ip.split('.').reduce((acc, part) => ((acc << 8) | Number(part)) >>> 0, 0);
const toIp = (n: number): string => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');

export function broadcastAddress({ address, netmask }: DeviceAddress): string {
  return toIp((toInt(address) | ~toInt(netmask)) >>> 0);
}

function sameSubnet(a: string, { address, netmask }: DeviceAddress): boolean {
  const mask = toInt(netmask);
  return ((toInt(a) & mask) >>> 0) === ((toInt(address) & mask) >>> 0);
}

export function udpLinkName(medium: UdpMedium): string {
  switch (medium.kind) {
    case 'ucast':
      return `udp:ucast:${medium.dev}:${medium.peer}`;
    case 'bcast':
      return `udp:bcast:${medium.dev}`;
    case 'mcast':
      return `udp:mcast:${medium.dev}:${medium.group}`;
  }
}

export class UdpLink extends BaseLink {
  private socket: dgram.Socket | null = null;
  private local: DeviceAddress | null = null;
  private target = '';
  private readonly reopener: Reopener;

  constructor(
    private readonly options: UdpLinkOptions,
    deps: LinkDeps,
  ) {
    super(udpLinkName(options.medium), 'udp', deps);
    this.reopener = new Reopener(
      { minMs: options.reopenMinMs ?? 100, maxMs: options.reopenMaxMs ?? 1_000 },
      () => this.tryOpen(),
      () => this.setMedium(true, `${options.medium.dev} usable again`),
    );
  }

  /**
   * Binds the socket. A device that is missing, down or without an IPv4 address (boot order, a
   * NIC being replaced) does not fail the daemon: the link reports its medium down once and
   * retries quietly with backoff (reopen.ts; 100 ms doubling to 1 s), reporting medium up once
   * the socket is bound.
   */
  async open(): Promise<void> {
    const error = await this.tryOpen();
    if (error) {
      this.setMedium(false, error.message);
      this.reopener.schedule();
    }
  }

  private async tryOpen(): Promise<Error | null> {
    const { medium } = this.options;
    const found = this.options.localAddress ? { address: this.options.localAddress, netmask: '255.0.0.0' } : deviceAddress(medium.dev);
    if (found instanceof Error) return found;
    const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
    const bindAddress = medium.kind === 'ucast' ? found.address : medium.kind === 'mcast' ? medium.group : '0.0.0.0';
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind({ port: medium.port, address: bindAddress }, () => {
          socket.off('error', reject);
          resolve();
        });
      });
      if (medium.kind === 'bcast') {
        socket.setBroadcast(true);
        this.target = broadcastAddress(found);
      } else if (medium.kind === 'mcast') {
        socket.addMembership(medium.group, found.address);
        socket.setMulticastInterface(found.address);
        socket.setMulticastTTL(medium.ttl);
        socket.setMulticastLoopback(medium.loop);
        this.target = medium.group;
      } else {
        this.target = medium.peer;
      }
    } catch (err) {
      socket.close();
      return new Error(`cannot bind ${bindAddress}:${medium.port} on ${medium.dev}: ${(err as Error).message}`);
    }
    if (this.closed) {
      socket.close();
      return null;
    }
    socket.on('message', (data, rinfo) => this.onDatagram(data, rinfo.address));
    socket.on('error', (err) => this.setMedium(false, `socket error: ${err.message}`));
    this.local = found;
    this.socket = socket;
    return null;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.reopener.stop();
    const socket = this.socket;
    this.socket = null;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  protected transmit(frame: string): void {
    const socket = this.socket;
    if (!socket) {
      this.recorder.drops.count('send-failed');
      return;
    }
    const data = Buffer.from(frame, 'latin1');
    socket.send(data, this.options.medium.port, this.target, (err) => {
      if (err) {
        this.recorder.drops.count('send-failed');
        this.setMedium(false, `send to ${this.target}: ${err.message}`);
      } else {
        this.recorder.sent(data.length);
        this.setMedium(true, `sending to ${this.target} again`);
      }
    });
  }

  private onDatagram(data: Buffer, source: string): void {
    const local = this.local;
    if (!local) return;
    if (source === local.address) return this.dropReceived(data.length, 'own-frame');
    // Without SO_BINDTODEVICE a 0.0.0.0 socket hears every interface: keep DEV's subnet only.
    if (this.options.medium.kind === 'bcast' && !sameSubnet(source, local)) return this.dropReceived(data.length, 'foreign-source');
    this.deliver(data.toString('latin1'), data.length);
  }
}
