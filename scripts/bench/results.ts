// The shape of one bench run's results (written as JSON, rendered as table, markdown and plot).
import type { FrameSize } from './frame-size.js';
import type { IdleResult } from './idle.js';
import type { SoakResult } from './soak.js';
import type { Spread } from './stats.js';
import type { SystemName } from './systems.js';
import type { Timing } from './timing.js';

export type CableKind = 'unthrottled' | '19200 baud' | 'none';

export interface Machine {
  cpus: number;
  cpuModel: string;
  kernel: string;
}

export interface OutageEntry {
  system: SystemName;
  setting: string;
  cable: CableKind;
  outagesMs: number[];
  spread: Spread | null;
  failures: string[];
}

export interface SoakEntry extends SoakResult {
  system: SystemName;
  setting: string;
  cable: CableKind;
}

export interface IdleEntry extends IdleResult {
  system: SystemName;
  setting: string;
  /** The serial line of this pair ('none': keepalived). */
  line: CableKind;
  /** The machine's 1-minute load average at the end of the measurement (other engineers' work too). */
  loadAverage: number;
  /** Serial bytes per heartbeat = serial bytes per second × keepalive. */
  serialBytesPerHeartbeat: number | null;
}

export interface TargetCheck {
  what: string;
  target: string;
  measured: string;
  pass: boolean;
}

export interface BenchResults {
  date: string;
  mode: 'quick' | 'full';
  machine: Machine;
  versions: Record<string, string>;
  durationSeconds: number;
  repetitions: number;
  soakSeconds: number;
  stressWorkers: number;
  lossPercent: number;
  idleSeconds: number;
  settings: Timing[];
  outage: OutageEntry[];
  soak: SoakEntry[];
  idle: IdleEntry[];
  frames: FrameSize[];
  targets: TargetCheck[];
}
