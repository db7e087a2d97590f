// A group's runtime state inside FailoverMachine (what is running, what is in flight, what we
// announced about it) and its read-only rendering for status().

import type { Claims, Role } from '../protocol/message.js';
import { has } from './claims.js';
import type { Holder } from './desired.js';
import type { Plan } from './group-plan.js';
import type { GroupPhase, GroupStatus, ResourceState } from './status.js';
import type { CoreGroup } from './types.js';
import type { Placement } from './placements.js';

export interface ResourceRuntime {
  state: ResourceState;
  monitorFailures: number;
  restarts: number;
  nextMonitorAt: number;
}

export interface GroupRuntime {
  group: CoreGroup;
  phase: GroupPhase;
  plan: Plan | null;
  /** The resource op in flight for this group (plan step or monitor), one at a time. */
  op: { opId: number; resource: number; action: 'start' | 'stop' | 'monitor' } | null;
  resources: ResourceRuntime[];
  wants: boolean;
  /** seq of the first status that carried the current want; null until sent. */
  wantSince: number | null;
  failedHere: boolean;
  /** seq of the first status sent after the failed mark (the peer must acknowledge it). */
  failedSince: number | null;
  automaticClears: number;
  /** When the failed mark was set (ms), for retries while the peer is dead. */
  failedAt: number | null;
  /** Takeovers retried since the peer last died (bounded by MAX_TAKEOVER_RETRIES). */
  takeoverRetries: number;
  conflict: boolean;
  /** Nobody eligible: since when, and the reason once reported (no-eligible-holder). */
  noHolder: { since: number | null; reported: string | null };
  desired: Holder;
  why: string;
  /** How our claims state an operator move (placements.ts): a per-group demand, or an offer. */
  announce: 'demand' | 'offer' | null;
}

/** What a status announces; compared with the last one sent to decide whether to send at once. */
export interface SentContent {
  role: Role;
  standby: boolean;
  holds: number;
  wants: number;
  grants: number;
  /**
   * The drift word we attach (drift.ts): none without group drift; readable when the peer lists
   * our group keys (our grants are plain bits), unreadable otherwise (OWN_GROUPS_ONLY word).
   */
  drift: 'none' | 'readable' | 'unreadable';
}

export function newGroupRuntime(group: CoreGroup): GroupRuntime {
  return {
    group,
    phase: 'stopped',
    plan: null,
    op: null,
    resources: group.resources.map(() => ({ state: 'stopped', monitorFailures: 0, restarts: 0, nextMonitorAt: 0 })),
    wants: false,
    wantSince: null,
    failedHere: false,
    failedSince: null,
    automaticClears: 0,
    failedAt: null,
    takeoverRetries: 0,
    conflict: false,
    noHolder: { since: null, reported: null },
    desired: 'none',
    why: '',
    announce: null,
  };
}

/** `wireBit` is the group's bit in both nodes' claims (claims.ts wireOrder). */
export function groupStatus(g: GroupRuntime, index: number, wireBit: number, content: SentContent, claims: Claims | undefined, placement: Placement | null): GroupStatus {
  const pending: GroupStatus['pendingHandover'] =
    g.phase === 'stopped' && g.wants && !g.op ? 'awaiting-grant' : g.phase !== 'stopped' && g.desired !== 'self' && g.phase !== 'stop-failed' ? 'releasing' : null;
  return {
    index,
    key: g.group.key,
    placement,
    owner: g.group.owner,
    desired: g.desired,
    phase: g.phase,
    selfHolds: has(content.holds, wireBit),
    selfWants: has(content.wants, wireBit),
    peerHolds: claims ? has(claims.holds, wireBit) : null,
    peerWants: claims ? has(claims.wants, wireBit) : null,
    pendingHandover: pending,
    failedHere: g.failedHere,
    stopFailed: g.phase === 'stop-failed',
    why: g.why,
    noEligibleHolder: g.noHolder.reported,
    resources: g.group.resources.map((spec, i) => ({
      id: spec.id,
      state: g.resources[i]!.state,
      monitorFailures: g.resources[i]!.monitorFailures,
      restarts: g.resources[i]!.restarts,
    })),
  };
}
