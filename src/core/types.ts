// The contract of the pure failover core: what it is configured with, the events it takes and
// the effects it returns. src/daemon/loop.ts (real world) and test/sim (simulated world) are the
// only callers. It also holds the core's vocabulary the edges share (HookKind, ResourceAction,
// Outcome). Nothing here may import node:*, src/daemon, src/transport, src/resources or src/config.

import type { Message } from '../protocol/message.js';
import type { UplinkSettings } from './uplink.js';
import type { GroupCommand, Placement } from './placements.js';
import type { AutoFailback } from './desired.js';

export interface CoreResource {
  /** Stable id, unique within the group, e.g. `IPaddr::10.0.0.100/24/eth0`. */
  id: string;
  /** Optional monitoring (twinbeat extension): period, timeout, failures before acting. */
  monitor?: { intervalMs: number; timeoutMs: number; failuresBeforeRestart: number; maxRestarts: number };
}

export interface CoreGroup {
  /** Index in haresources order = bit index in Claims. */
  index: number;
  /** The group key (its first resource, as Heartbeat names groups). */
  key: string;
  /** The node that haresources lists first on this line: the preferred holder. */
  owner: string;
  /** Resources in start order; they stop in reverse. */
  resources: CoreResource[];
}

export interface CoreConfig {
  self: string;
  peer: string;
  keepaliveMs: number;
  warntimeMs: number;
  deadtimeMs: number;
  initdeadMs: number;
  autoFailback: AutoFailback;
  groups: CoreGroup[];
  /** Names of the links frames travel on (the same names Link.name uses). */
  links: string[];
  /** Digest of the pair's shared configuration, compared with the peer's. */
  configDigest: string;
  /** Ping nodes configured (`ping`, `ping_group`): takeover needs at least one reachable. */
  pingNodesConfigured: boolean;
  /** Run the fence hook (and need it to succeed) before taking over from a dead peer. */
  fenceBeforeTakeover: boolean;
  /** Run the escalation hook when a stop fails (self-fence/reboot only if configured). */
  escalateOnStopFailure: boolean;
  /**
   * Queue a master/backup/fault/stop hook for every change of a group's or the node's state
   * (transitions.ts; keepalived notify). Off (absent) when no transition script is configured.
   */
  notifyTransitions?: boolean;
  /** Uplink tracking (uplink.ts); absent: off. */
  uplink?: UplinkSettings;
  /**
   * Probe the peer's addresses for duplicates while it is suspect, so a takeover need not wait for
   * the check after deadtime (dad-preprobe.ts). On when duplicate-address detection is on.
   */
  dadPreProbe?: boolean;
}

/**
 * Operator commands, as given on the control socket. `standby` persists; `online` clears standby
 * (and a yield to the peer's takeover) without moving any group; `takeover` asks for every group.
 */
export type Command = 'standby' | 'online' | 'takeover' | 'stop';

export type Event =
  /** Time passes. `now` is monotonic milliseconds, injected. */
  | { type: 'tick'; now: number }
  /** A frame that decoded, authenticated and passed its link's replay window. */
  | { type: 'heard'; now: number; link: string; message: Message }
  /** A link's medium went down or came back (device vanished, socket error). */
  | { type: 'link-medium'; now: number; link: string; up: boolean; reason: string }
  /** A resource action (RunResource effect) finished. */
  | { type: 'resource-done'; now: number; opId: number; outcome: Outcome; reason: string }
  /** A hook (RunHook effect) finished. */
  | { type: 'hook-done'; now: number; opId: number; ok: boolean; reason: string }
  /**
   * Result of probing the uplink (PingProbe effect): ping nodes reachable of total (ping groups
   * count as one), and with uplink tracking the tracked interfaces up of total and what failed.
   */
  | { type: 'ping-result'; now: number; reachable: number; total: number; interfaces?: { up: number; total: number }; failing?: string[] }
  /** Result of a DadProbe effect: `free` when no address of the group got a reply. */
  | { type: 'dad-result'; now: number; opId: number; free: boolean }
  | { type: 'command'; now: number; command: Command }
  /** An operator command about one group: move, per-group standby, clear (placements.ts). */
  | { type: 'group-command'; now: number; command: GroupCommand }
  /** A valid new configuration; applied without a role change. */
  | { type: 'config'; now: number; config: CoreConfig };

/**
 * The hooks the machine runs (run-hook effects). Only kinds the machine emits are listed:
 * src/config parses `tb_hook` against its own list, which a unit test keeps equal to this one
 * (config may not import core).
 */
export const hookKinds = ['fence', 'escalate', 'local-failure', 'remote-failure', 'master', 'backup', 'fault', 'stop'] as const;
export type HookKind = (typeof hookKinds)[number];

/**
 * Hooks run in two lanes, each one hook at a time and in order: `takeover` (fence, escalate: the
 * path to starting or stopping groups) and `notify` (local-failure, remote-failure and the
 * transition notifications master, backup, fault, stop: reports).
 * A hung notifier can therefore never sit in front of a fence; the edge also kills notifications
 * sooner (src/daemon/actions.ts).
 */
export type HookLane = 'takeover' | 'notify';

export function hookLane(hook: HookKind): HookLane {
  return hook === 'fence' || hook === 'escalate' ? 'takeover' : 'notify';
}

/** The actions a resource script is run with. */
export type ResourceAction = 'start' | 'stop' | 'status' | 'monitor';

/** What a resource action came to, whatever the script's class (the edge normalises exit codes). */
export type Outcome =
  | 'ok' // start/stop succeeded; status/monitor: running
  | 'not-running' // status/monitor: cleanly stopped
  | 'failed' // anything else: generic error, bad exit code, killed
  | 'timed-out' // killed by the runner after the action's timeout
  | 'not-installed' // script missing, not executable, or refused as unsafe
  | 'not-configured'; // OCF 2/6: arguments or configuration wrong

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * What must survive a restart. `generation` is normally the one the daemon started with; it
 * changes only when the peer shows that it remembers a higher one of ours (our state was lost).
 */
export interface PersistedState {
  generation: number;
  standby: boolean;
  role: string;
  /** Operator moves made on this node (placements.ts), kept until cleared. */
  placements: Placement[];
}

export type Effect =
  /** Send this message on these links (all links unless listed). */
  | { type: 'send'; message: Message; links?: string[] }
  /**
   * Run one resource action. The loop answers with a resource-done event carrying opId.
   * `dadProbe`: a start whose duplicate-address check was already done (that probe, taken while
   * the peer was silent, found every address free): IPaddr skips its own wait.
   */
  | { type: 'run-resource'; opId: number; group: number; resource: string; action: ResourceAction; dadProbe?: number }
  /** Probe the group's addresses for another holder (IPaddr `probe`); answered with dad-result. */
  | { type: 'dad-probe'; opId: number; group: number }
  /** Run a hook script; the loop answers with hook-done. One hook at a time per lane (hookLane), in order. */
  | { type: 'run-hook'; opId: number; hook: HookKind; env: Record<string, string> }
  /** Ask the edge to probe the ping nodes; answered with ping-result. */
  | { type: 'ping-probe' }
  /** Re-announce a group's addresses (gratuitous ARP) after a split brain was resolved in our favour. */
  | { type: 'reannounce'; group: number }
  /** A greppable event name plus structured fields. */
  | { type: 'log'; level: LogLevel; event: string; message: string; fields?: Record<string, unknown> }
  /** Persist what must survive a restart. */
  | { type: 'persist'; state: PersistedState }
  /** The core has finished a graceful stop: the daemon may exit. */
  | { type: 'stopped' };
