// What every Link implementation shares: listeners, statistics, the receive screening, and
// medium up/down reporting that fires once per change (the core starts from "up").
// No I/O of its own: the subclasses own the sockets and devices.
import type { Link, LinkEvent, LinkKind, LinkStats } from './link.js';
import type { LinkDeps } from './log.js';
import { LinkStatsRecorder, screenFrame } from './stats.js';
import type { DropReason } from '../protocol/drops.js';

export abstract class BaseLink implements Link {
  protected readonly recorder = new LinkStatsRecorder();
  private readonly listeners: ((event: LinkEvent) => void)[] = [];
  private mediumUp = true;
  protected closed = false;

  constructor(
    readonly name: string,
    readonly kind: LinkKind,
    protected readonly deps: LinkDeps,
  ) {}

  abstract open(): Promise<void>;
  abstract close(): Promise<void>;
  /** Puts one screened frame on the medium; must not throw. */
  protected abstract transmit(frame: string): void;

  send(frame: string): void {
    if (this.closed) return;
    const refused = screenFrame(frame);
    if (refused) {
      this.recorder.drops.count('send-refused');
      return;
    }
    this.transmit(frame);
  }

  onEvent(listener: (event: LinkEvent) => void): void {
    this.listeners.push(listener);
  }

  stats(): LinkStats {
    return this.recorder.snapshot();
  }

  frameAccepted(at: number): void {
    this.recorder.accepted(at);
  }

  get isMediumUp(): boolean {
    return this.mediumUp;
  }

  /** A complete frame came off the medium: screen it, count it, hand it on. */
  protected deliver(frame: string, bytes: number): void {
    if (this.closed) return;
    const reason = screenFrame(frame);
    if (reason) {
      this.recorder.receivedJunk(bytes, reason);
      return;
    }
    const at = this.deps.now();
    this.recorder.received(bytes, at);
    this.emit({ kind: 'frame', frame, at });
  }

  protected dropReceived(bytes: number, reason: DropReason): void {
    this.recorder.receivedJunk(bytes, reason);
  }

  /** Reports a medium change once; repeated reports of the same state are swallowed. */
  protected setMedium(up: boolean, reason: string): void {
    if (this.mediumUp === up || this.closed) return;
    this.mediumUp = up;
    if (up) this.deps.log.info('link-medium-up', `${this.name}: medium back (${reason})`, { link: this.name, reason });
    else this.deps.log.warn('link-medium-down', `${this.name}: medium down (${reason})`, { link: this.name, reason });
    this.emit({ kind: 'medium', up, reason, at: this.deps.now() });
  }

  private emit(event: LinkEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
