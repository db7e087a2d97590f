// One small interface for every medium that carries heartbeat frames: UDP, serial, and the
// in-memory pairs used by simulation. A Link moves opaque single-line frames (no trailing
// newline); it never decodes them — src/protocol does — so every link is tested by one contract
// suite (test/contract/link.contract.ts). Types only.

export type LinkKind = 'udp' | 'serial' | 'memory';

export interface LinkStats {
  framesSent: number;
  framesReceived: number;
  bytesSent: number;
  bytesReceived: number;
  /** Frames the link itself threw away before decoding (too long, partial line, noise, own frame). */
  drops: Record<string, number>;
  /** Monotonic ms of the last frame received, or null. */
  lastHeardAt: number | null;
  /**
   * Inter-arrival times of accepted frames (authenticated, not replayed: see frameAccepted), ms.
   * Operators tune deadtime with these, so forged or replayed frames must not move them.
   */
  interArrival: { mean: number; p50: number; p99: number; p999: number; max: number; count: number };
}

export type LinkEvent =
  | { kind: 'frame'; frame: string; at: number }
  /** The medium itself failed or came back (device vanished, socket error); reported once per change. */
  | { kind: 'medium'; up: boolean; reason: string; at: number };

export interface Link {
  /** Stable name used in status and logs, e.g. `udp:ucast:eth0:10.0.0.2`, `serial:/dev/ttyS0`. */
  readonly name: string;
  readonly kind: LinkKind;
  open(): Promise<void>;
  close(): Promise<void>;
  /** Queue one frame for sending. Never throws; a failure is counted and reported as a medium event. */
  send(frame: string): void;
  onEvent(listener: (event: LinkEvent) => void): void;
  /** The frame delivered at `at` passed decoding, authentication and the replay window (told by the daemon loop). */
  frameAccepted(at: number): void;
  stats(): LinkStats;
}
