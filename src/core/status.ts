// The read-only snapshot FailoverMachine.status() returns, for the CLI (`twinbeat status`,
// `--json`) and the control socket. Plain data: safe to JSON.stringify.

import type { Role } from '../protocol/message.js';
import type { Holder } from './desired.js';
import type { LinkState } from './links.js';
import type { Command } from './types.js';
import type { UplinkStatus } from './uplink.js';
import type { Placement } from './placements.js';

export type GroupPhase = 'stopped' | 'starting' | 'running' | 'stopping' | 'stop-failed';

export type ResourceState = 'stopped' | 'starting' | 'running' | 'stopping' | 'stop-failed';

export type TakeoverGateState = 'closed' | 'tie-delay' | 'pinging' | 'fencing' | 'open' | 'isolated';

export interface ResourceStatus {
  id: string;
  state: ResourceState;
  monitorFailures: number;
  restarts: number;
}

export interface GroupStatus {
  index: number;
  key: string;
  owner: string;
  /** Where this node thinks the group should be. */
  desired: Holder;
  /** The operator move made on THIS node, kept until cleared (the peer's shows in its own status). */
  placement: Placement | null;
  phase: GroupPhase;
  /** Claims as last announced by this node, and as last reported by the peer. */
  selfHolds: boolean;
  selfWants: boolean;
  peerHolds: boolean | null;
  peerWants: boolean | null;
  /** A handover in progress: we wait for the peer's grant, or we are releasing to the peer. */
  pendingHandover: 'awaiting-grant' | 'releasing' | null;
  /** Marked failed on this node (start failure or monitor failover); see `why`. */
  failedHere: boolean;
  /** A stop failed: the group may still run here; an operator must act. */
  stopFailed: boolean;
  why: string;
  /**
   * Why nobody can hold this group (we are not eligible and neither is the peer, or it is dead),
   * once that has lasted a deadtime; null otherwise. Logged once per incident as the ERROR
   * event `no-eligible-holder`.
   */
  noEligibleHolder: string | null;
  resources: ResourceStatus[];
}

export interface LinkStatus {
  name: string;
  state: LinkState;
  /** ms since the peer was last heard on this link, null if never. */
  lastHeardAgoMs: number | null;
  mediumUp: boolean;
  mediumReason: string;
}

export interface CoreStatus {
  now: number;
  self: {
    name: string;
    role: Role;
    /** Operator standby (persisted). */
    standby: boolean;
    /**
     * Online but leaving the groups the peer holds where they are (not persisted): since the
     * peer's takeover, or since `online` here. Lapses when the peer dies, leaves or enters
     * standby, or at `takeover` here.
     */
    deferringToPeer: 'peer-takeover' | 'online' | null;
    generation: number;
    seq: number;
    leaving: boolean;
  };
  peer: {
    name: string;
    state: 'unknown' | 'alive' | 'dead';
    role: Role | null;
    standby: boolean | null;
    generation: number | null;
    /** The peer said goodbye (graceful stop). */
    leftGracefully: boolean;
    lastHeardAgoMs: number | null;
    /** Heard continuously for a deadtime: only a stable peer is given groups back (damping). */
    stable: boolean;
  };
  links: LinkStatus[];
  groups: GroupStatus[];
  takeoverGate: TakeoverGateState;
  /** Uplink tracking (ipfail): our score, the peer's, and why groups moved or will move (always set by the machine; optional for hand-made snapshots). */
  uplink?: UplinkStatus;
  /** null until the peer is heard; false = the peer runs a different shared configuration. */
  configDigestMatch: boolean | null;
  /** A takeover demand we sent and the peer has not honoured yet. */
  takeoverDemandPending: boolean;
  /** Running hooks (at most one per lane, takeover lane first) and those waiting. */
  hooks: { running: string[]; queued: string[] };
  lastCommand: { command: Command | 'move'; group?: string; accepted: boolean; reason: string; at: number } | null;
}
