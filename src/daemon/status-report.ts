// The shape of `twinbeat status --json` and of the control socket's status answer: one plain,
// versioned JSON document combining the core's view (roles, groups, per-link liveness), the
// links' own counters and the daemon's facts. Ages are computed at report time, so the document
// needs no clock to read. Field names are part of the CLI contract: only add, never rename.
import type { LinkStats } from '../transport/link.js';
import type { CoreStatus, GroupStatus } from '../core/status.js';
import { supportedDeadtimeMs } from '../transport/stats.js';
import type { UplinkStatus } from '../core/uplink.js';

export const STATUS_REPORT_VERSION = 1;

export interface NodeView {
  name: string;
  /** Role announced (init, active, transition, standby, failed, leaving), 'unknown' if not heard. */
  role: string;
  standby: boolean | null;
  /** Boot counter (ours from the state file; the peer's from its last frame), null if unknown. */
  generation: number | null;
}

export interface PeerView extends NodeView {
  /** 'alive' while any link hears it, 'dead' when all links are dead, 'unknown' before first contact. */
  state: 'alive' | 'dead' | 'unknown';
  /** ms since any frame from the peer was accepted, null if never. */
  lastHeardAgeMs: number | null;
  /** The peer announced a graceful stop. */
  leftGracefully: boolean;
  /** Heard continuously for a deadtime: only then do groups fail back to it (damping). */
  stable: boolean;
}

export interface SelfView extends NodeView {
  /**
   * Online but leaving the groups the peer holds with it, not persisted: `peer-takeover` (the
   * peer's operator ran takeover) or `online` (ours ran online); null otherwise.
   */
  deferringToPeer: string | null;
}

export interface LinkView {
  name: string;
  kind: string;
  /** Liveness as the core judges it: init, up, late (past warntime), dead (past deadtime). */
  state: string;
  /** The medium itself is down (device vanished, socket error): why. null when fine. */
  mediumDown: string | null;
  lastHeardAgeMs: number | null;
  /** Inter-arrival of accepted frames, ms, over the last INTER_ARRIVAL_WINDOW: the jitter a deadtime must tolerate. */
  interArrival: LinkStats['interArrival'];
  /**
   * The deadtime those figures support (src/transport/stats.ts supportedDeadtimeMs:
   * max(2 × p99.9, max + p50), rounded up to 10 ms); null until ADVICE_MIN_SAMPLES gaps.
   */
  supportedDeadtimeMs: number | null;
  framesSent: number;
  framesReceived: number;
  /** Frames dropped, by reason: the link's own (noise, too long) and the protocol's (auth, replay). */
  drops: Record<string, number>;
}

export interface GroupView {
  index: number;
  key: string;
  /** Preferred node (haresources). */
  owner: string;
  /** Nodes running it now as far as we know: usually one; none when stopped; two is a split brain. */
  holders: string[];
  /**
   * The peer is not alive, but its last frame said it held this group: it may still (a cut
   * cable rather than a dead node). Not counted in `holders`.
   */
  peerHeldAtLastContact: boolean;
  /** This node's phase for the group: stopped, starting, running, stopping, stop-failed. */
  phase: string;
  /** Where this node thinks it should run: self, peer or none. */
  desired: string;
  pendingHandover: string | null;
  /** Why it is where it is (failure reason, handover), '' when unremarkable. */
  why: string;
  /**
   * Marked failed on this node (a start failed, or tb_monitor gave up): it will not run here
   * until `twinbeat takeover` here, or until the peer fails it too.
   */
  failedHere: boolean;
  /**
   * Why nobody can hold the group (this node is not eligible and the peer is dead, in standby or
   * declines it), after a deadtime of that; null otherwise. Logged as ERROR no-eligible-holder.
   */
  noEligibleHolder: string | null;
  /**
   * The operator move made on this node (`twinbeat move`, `twinbeat standby GROUP`), kept until
   * cleared: where to, how, and when (ISO time); null when none. A move made on the peer shows
   * in the peer's status (here only in `why`).
   */
  move: { node: string; how: string; at: string } | null;
  resources: { id: string; state: string; monitorFailures: number; restarts: number }[];
}

export interface DaemonView {
  pid: number;
  version: string;
  uptimeMs: number;
  configDir: string;
  stateFile: string;
}

/** An operator's wall-clock time as ISO text; a time that is not one says so instead of throwing. */
export function formatAt(at: number): string {
  return Number.isFinite(at) && Math.abs(at) <= 8.64e15 ? new Date(at).toISOString() : 'an unknown time';
}

export interface StatusReport {
  version: typeof STATUS_REPORT_VERSION;
  daemon: DaemonView;
  self: SelfView;
  peer: PeerView;
  configDigest: { self: string; match: boolean | null };
  takeoverGate: string;
  /** Uplink tracking (ipfail): absent when the core reports none (hand-made snapshots). */
  uplink?: UplinkView;
  lastCommand: { command: string; group?: string; accepted: boolean; reason: string; ageMs: number } | null;
  links: LinkView[];
  groups: GroupView[];
  /** Sum of every link's drops by reason. */
  drops: Record<string, number>;
}

export interface UplinkView {
  /** off, ok, worse (moving after deadping unless it recovers), handing-over, recovering. */
  state: string;
  /** Our score (ping targets reached plus tracked interfaces up) and out of how many; null: no probe finished. */
  self: { score: number; total: number; failing: string[] } | null;
  /** The score the peer announced; null: unknown (nothing moves). */
  peer: number | null;
  /** Why the state is what it is: the reason a move happened or will happen. */
  why: string;
  sinceAgeMs: number;
  lastHandover: { ageMs: number; why: string } | null;
  handovers: number;
}

/** What the daemon knows about one link besides the core's verdict. */
export interface LinkFacts {
  name: string;
  kind: string;
  stats: LinkStats;
  /** Drops counted after the link handed the frame over: decode, auth, replay... */
  protocolDrops: Record<string, number>;
}

export function sumDrops(tables: readonly Record<string, number>[]): Record<string, number> {
  const total: Record<string, number> = {};
  for (const table of tables) for (const [reason, count] of Object.entries(table)) total[reason] = (total[reason] ?? 0) + count;
  return total;
}

/** Ages are whole milliseconds in the report. */
function roundAge(ms: number | null): number | null {
  return ms === null ? null : Math.round(ms);
}

function holders(group: GroupStatus, core: CoreStatus): string[] {
  const out: string[] = [];
  if (group.phase !== 'stopped') out.push(core.self.name);
  if (group.peerHolds === true && core.peer.state === 'alive') out.push(core.peer.name);
  return out;
}

export function buildStatusReport(core: CoreStatus, links: readonly LinkFacts[], daemon: DaemonView, configDigest: string): StatusReport {
  const linkViews: LinkView[] = links.map((facts) => {
    const verdict = core.links.find((l) => l.name === facts.name);
    return {
      name: facts.name,
      kind: facts.kind,
      state: verdict?.state ?? 'unknown',
      mediumDown: verdict === undefined || verdict.mediumUp ? null : verdict.mediumReason || 'down',
      lastHeardAgeMs: roundAge(verdict?.lastHeardAgoMs ?? null),
      interArrival: facts.stats.interArrival,
      supportedDeadtimeMs: supportedDeadtimeMs(facts.stats.interArrival),
      framesSent: facts.stats.framesSent,
      framesReceived: facts.stats.framesReceived,
      drops: sumDrops([facts.stats.drops, facts.protocolDrops]),
    };
  });
  return {
    version: STATUS_REPORT_VERSION,
    daemon,
    self: { name: core.self.name, role: core.self.role, standby: core.self.standby, generation: core.self.generation, deferringToPeer: core.self.deferringToPeer },
    peer: {
      name: core.peer.name,
      role: core.peer.role ?? 'unknown',
      standby: core.peer.standby,
      generation: core.peer.generation,
      state: core.peer.state,
      lastHeardAgeMs: roundAge(core.peer.lastHeardAgoMs),
      leftGracefully: core.peer.leftGracefully,
      stable: core.peer.stable,
    },
    configDigest: { self: configDigest, match: core.configDigestMatch },
    takeoverGate: core.takeoverGate,
    ...(core.uplink ? { uplink: uplinkView(core.uplink, core.now) } : {}),
    lastCommand:
      core.lastCommand === null
        ? null
        : { command: core.lastCommand.command, ...(core.lastCommand.group !== undefined ? { group: core.lastCommand.group } : {}), accepted: core.lastCommand.accepted, reason: core.lastCommand.reason, ageMs: Math.max(0, Math.round(core.now - core.lastCommand.at)) },
    links: linkViews,
    groups: core.groups.map((g) => ({
      index: g.index,
      key: g.key,
      owner: g.owner,
      holders: holders(g, core),
      peerHeldAtLastContact: g.peerHolds === true && core.peer.state !== 'alive',
      phase: g.phase,
      desired: g.desired,
      pendingHandover: g.pendingHandover,
      why: g.why,
      failedHere: g.failedHere,
      noEligibleHolder: g.noEligibleHolder,
      move: g.placement === null ? null : { node: g.placement.node, how: g.placement.how, at: formatAt(g.placement.at) },
      resources: g.resources.map((r) => ({ id: r.id, state: r.state, monitorFailures: r.monitorFailures, restarts: r.restarts })),
    })),
    drops: sumDrops(linkViews.map((l) => l.drops)),
  };
}

function uplinkView(u: UplinkStatus, now: number): UplinkView {
  return {
    state: u.state,
    self: u.self,
    peer: u.peer,
    why: u.why,
    sinceAgeMs: Math.max(0, Math.round(now - u.since)),
    lastHandover: u.lastHandover === null ? null : { ageMs: Math.max(0, Math.round(now - u.lastHandover.at)), why: u.lastHandover.why },
    handovers: u.handovers,
  };
}
