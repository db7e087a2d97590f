// A Link whose real implementation runs in a child process (udp-child.ts), for the namespace
// tests. stats() answers from the newest snapshot the child pushed (it pushes on every change).
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Link, LinkEvent, LinkStats } from '../../src/transport/link.js';

export class ProxyLink implements Link {
  readonly kind = 'udp' as const;
  private readonly listeners: ((e: LinkEvent) => void)[] = [];
  private latest: LinkStats = { framesSent: 0, framesReceived: 0, bytesSent: 0, bytesReceived: 0, drops: {}, lastHeardAt: null, interArrival: { mean: 0, p50: 0, p99: 0, p999: 0, max: 0, count: 0 } };
  private readonly ready: Promise<void>;
  private readonly exited: Promise<void>;
  private closing = false;

  constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    let onReady!: () => void;
    let onFail!: (err: Error) => void;
    this.ready = new Promise((resolve, reject) => ((onReady = resolve), (onFail = reject)));
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.once('exit', (code) => onFail(new Error(`${name}: child exited with ${code} before it was ready`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const msg = JSON.parse(line) as { ev: string; event?: LinkEvent; stats?: LinkStats; message?: string };
      if (msg.ev === 'ready') onReady();
      else if (msg.ev === 'error') onFail(new Error(`${name}: ${msg.message}`));
      else if (msg.ev === 'stats') this.latest = msg.stats!;
      else if (msg.ev === 'event' && !this.closing) for (const l of this.listeners) l(msg.event!);
    });
  }

  open(): Promise<void> {
    return this.ready;
  }

  async close(): Promise<void> {
    if (!this.closing) {
      this.closing = true;
      this.command({ op: 'close' });
      this.child.stdin?.end();
    }
    await this.exited;
  }

  send(frame: string): void {
    if (!this.closing) this.command({ op: 'send', frame });
  }

  inject(raw: Buffer, host: string, port: number): void {
    this.command({ op: 'inject', raw: raw.toString('base64'), host, port });
  }

  onEvent(listener: (event: LinkEvent) => void): void {
    this.listeners.push(listener);
  }

  frameAccepted(at: number): void {
    if (!this.closing) this.command({ op: 'accepted', at });
  }

  stats(): LinkStats {
    return this.latest;
  }

  private command(cmd: object): void {
    if (this.child.stdin?.writable) this.child.stdin.write(JSON.stringify(cmd) + '\n');
  }
}
