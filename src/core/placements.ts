// Per-group operator moves (`twinbeat move GROUP [NODE]`, `twinbeat standby GROUP`), Heartbeat's
// `hb_standby local|foreign` and Pacemaker's `crm resource move/clear` for a two-node pair. Pure:
// it touches only its own records and what FailoverMachine hands it; no clock (the operator's
// wall-clock time comes in with the command, for status only).
//
// A move is recorded ONLY on the node where the operator ran it (persisted in its state file,
// kept across restarts), never on the peer: the peer learns it from the claims each status
// already carries, so the wire format does not change and an older peer simply ignores it:
//
//   move G here   → a standing per-group demand: G's bit set in both wants and grants (claims.ts;
//                   a demand on every bit is the old takeover demand, read the same way).
//   move G there  → "away": while we hold G we keep it running but OFFER it: holds + grants
//   (standby G)     without wants, a combination no node sent before. A peer that can take G
//                   answers with a want, and only then do we release it and grant it plainly
//                   (holds cleared): the group never stops before someone is ready to take it.
//                   While we do not hold it we decline it (plain grant) like a node in standby.
//
// Rules, both nodes evaluating them on their own records and the peer's claims (placedHolder):
// * a move is honoured only while the peer is alive, available (not standby or stopping), hears
//   us (not deaf: it would keep what it holds whatever we say) and we are eligible; otherwise the ordinary rules apply (availability first: a dead peer's groups
//   are taken whatever a move says). The record stays and applies again once both can.
// * both nodes moved G "here" at once: the node whose name sorts first keeps it (as for takeover).
// * both moved G "away" at once, or the target cannot take G (failed there): the peer keeps
//   declining G after it saw our decline — it refuses G. The name winner then takes G back at
//   once, the other node after a deadtime of refusal (so a race ends with exactly one taker).
// * the peer's takeover (we yield to it) suspends our "here" moves until the yield ends.
// Never two holders: starts still need the peer's plain grant acknowledging our want (machine.ts).

import { has } from './claims.js';
import type { Holder } from './desired.js';

export type PlacementHow = 'move' | 'standby';

/** One operator move, as persisted. `node` is where the group should run; `at` wall-clock ms. */
export interface Placement {
  group: string;
  node: string;
  how: PlacementHow;
  at: number;
}

/** An operator command about one group (control socket → daemon → core). */
export interface GroupCommand {
  /** move: to `node` (default: the node that does not run it now); standby: move to the peer; clear: forget. */
  kind: 'move' | 'standby' | 'clear';
  group: string;
  node?: string;
  /** Wall-clock ms when the operator ran it (shown in status; the core never reads a clock). */
  at: number;
}

export const MAX_GROUP_NAME = 256;



/** What placedHolder needs to know about one group. */
export interface PlacementInput {
  /** Our own record for this group: where it should run, or null. */
  target: 'self' | 'peer' | null;
  selfEligible: boolean;
  peerAlive: boolean;
  peerUnavailable: boolean;
  /** The peer cannot hear us (one-way failure): it will keep what it holds, so the ordinary rules yield to it. */
  peerDeaf: boolean;
  /** We yield to the peer's takeover: our "here" moves wait. */
  yieldingToPeer: boolean;
  selfHolds: boolean;
  /** The peer's claims for this group. */
  peer: { holds: boolean; wants: boolean; grants: boolean };
  /** The peer keeps declining it after seeing our decline (refusal), and since when (ms). */
  refusedFor: number | null;
  winsTie: boolean;
  deadtimeMs: number;
}

/** The decision, plus how our claims say it: `demand` (wants+grants) or `offer` (holds+grants). */
export interface PlacementDecision {
  holder: Holder;
  reason: string;
  announce: 'demand' | 'offer' | null;
}

/** Per-group claims bits of a peer status: a want that is also a grant is a demand, a hold that is also a grant (without want) an offer. */
export const peerDemands = (p: PlacementInput['peer']): boolean => p.wants && p.grants;
export const peerOffers = (p: PlacementInput['peer']): boolean => p.holds && p.grants && !p.wants;
/** The peer plainly declines the group: grants it, neither wants nor holds it. */
export const peerDeclines = (p: PlacementInput['peer']): boolean => p.grants && !p.wants && !p.holds;

export function claimBits(claims: { holds: number; wants: number; grants: number } | undefined, bit: number): PlacementInput['peer'] {
  return { holds: claims !== undefined && has(claims.holds, bit), wants: claims !== undefined && has(claims.wants, bit), grants: claims !== undefined && has(claims.grants, bit) };
}

/**
 * Where a group should be by the operators' moves (ours, and the peer's as its claims show
 * them), or null to let desired.ts decide. See the rules in the header.
 */
export function placedHolder(input: PlacementInput): PlacementDecision | null {
  const d = (holder: Holder, reason: string, announce: PlacementDecision['announce'] = null): PlacementDecision => ({ holder, reason, announce });
  if (!input.peerAlive || input.peerUnavailable || input.peerDeaf || !input.selfEligible) return null;
  const { peer } = input;
  if (input.target === 'self' && !input.yieldingToPeer) {
    if (peerDemands(peer) && !input.winsTie) return d('peer', 'moved here by our operator, but the peer\'s operator moved it there at the same time: the peer wins by name order');
    return d('self', 'moved here by operator', 'demand');
  }
  if (peerDemands(peer)) return d('peer', 'moved to the peer by its operator');
  if (input.target === 'peer') {
    if (input.selfHolds) return peer.wants ? d('peer', 'moved to the peer by operator: handing it over') : d('self', 'moved to the peer by operator: offered, kept here until the peer takes it', 'offer');
    const refused = input.refusedFor !== null && (input.winsTie || input.refusedFor >= input.deadtimeMs);
    return refused ? d('self', 'moved to the peer by operator, but the peer does not take it: kept here') : d('peer', 'moved to the peer by operator');
  }
  if (peerOffers(peer)) return d('self', 'moved here by the peer\'s operator');
  return null;
}

/** A group name as an operator may give it: printable, bounded (the control socket checks it too). */
export function validGroupName(name: unknown): name is string {
  return typeof name === 'string' && name.length > 0 && name.length <= MAX_GROUP_NAME && /^[\x21-\x7e]+$/.test(name);
}

/**
 * The operator moves of one node, by group key. Refusal tracking per group is runtime only.
 * `version` grows on every change so the machine knows when to persist.
 */
export class Placements {
  private byGroup = new Map<string, Placement>();
  /** Per group: seq from which our decline-for-move must be acknowledged, and since when the peer refuses. */
  private away = new Map<string, { since: number; refusedAt: number | null }>();
  version = 0;

  constructor(initial: readonly Placement[] = []) {
    for (const p of initial) this.byGroup.set(p.group, { ...p });
  }

  get(group: string): Placement | null {
    return this.byGroup.get(group) ?? null;
  }

  list(): Placement[] {
    return [...this.byGroup.values()].map((p) => ({ ...p }));
  }

  set(p: Placement): void {
    this.byGroup.set(p.group, { ...p });
    this.away.delete(p.group);
    this.version += 1;
  }

  clear(group: string): boolean {
    this.away.delete(group);
    if (!this.byGroup.delete(group)) return false;
    this.version += 1;
    return true;
  }

  /** Forget records whose group or node no longer exist (after a reload or from an old file); returns them. */
  prune(groups: ReadonlySet<string>, nodes: readonly string[]): Placement[] {
    const gone = [...this.byGroup.values()].filter((p) => !groups.has(p.group) || !nodes.includes(p.node));
    for (const p of gone) this.clear(p.group);
    return gone;
  }

  /**
   * How long the peer has refused a group we moved away (declines it after acknowledging our
   * decline), in ms, or null. `awayAndStopped`: moved to the peer and not held here (we decline
   * it, or want it back because the peer refused it: the refusal must stay while we take it);
   * `nextSeq`: the seq our next status will carry; `acknowledges(seq)`: the peer's latest status
   * acknowledges it.
   */
  refusedFor(group: string, awayAndStopped: boolean, peerDeclines: boolean, nextSeq: number, acknowledges: (seq: number) => boolean, now: number): number | null {
    if (!awayAndStopped) {
      this.away.delete(group);
      return null;
    }
    let state = this.away.get(group);
    if (!state) this.away.set(group, (state = { since: nextSeq, refusedAt: null }));
    if (!peerDeclines || !acknowledges(state.since)) {
      state.refusedAt = null;
      return null;
    }
    if (state.refusedAt === null) state.refusedAt = now;
    return now - state.refusedAt;
  }

  /** Our generation changed (seq starts again): acknowledgements must be of the new numbering. */
  renumbered(): void {
    this.away.clear();
  }
}

/** What checking a group command needs to know about the node and its peer. */
export interface CommandContext {
  self: string;
  peer: string;
  groups: readonly string[];
  peerAlive: boolean;
  peerUnavailable: boolean;
  drifted: boolean;
  standby: boolean;
  leaving: boolean;
  isolated: boolean;
  holdsHere(group: string): boolean;
  peerHolds(group: string): boolean;
}

export type CommandCheck = { ok: false; reason: string } | { ok: true; placement: Placement | null; message: string };

/** Shown in logs and errors: a bounded, printable rendering of an operator-given name. */
export const shown = (name: string): string => JSON.stringify(name.length > 64 ? `${name.slice(0, 64)}…(${name.length} chars)` : name);

/**
 * Accept or refuse a group command, with the reason an operator reads. A move to a node that
 * could not take the group is refused (dead, standby, stopping, different configuration, or
 * here: standby, isolated); `clear` is always possible for a known group.
 */
export function checkGroupCommand(cmd: GroupCommand, ctx: CommandContext): CommandCheck {
  const refuse = (reason: string): CommandCheck => ({ ok: false, reason });
  if (!validGroupName(cmd.group) || !ctx.groups.includes(cmd.group)) return refuse(`unknown group ${shown(String(cmd.group))}: haresources lists ${ctx.groups.join(', ') || 'no group'}`);
  if (ctx.leaving) return refuse('a graceful stop is in progress');
  const group = cmd.group;
  if (cmd.kind === 'clear') return { ok: true, placement: null, message: `move of ${group} cleared: it stays where it runs until the ordinary rules move it` };
  let node = cmd.kind === 'standby' ? ctx.peer : cmd.node;
  if (node === undefined) {
    if (ctx.holdsHere(group)) node = ctx.peer;
    else if (ctx.peerHolds(group)) node = ctx.self;
    else return refuse(`${group} runs on neither node: name the node to move it to`);
  }
  if (node !== ctx.self && node !== ctx.peer) return refuse(`unknown node ${shown(node)}: the nodes are ${ctx.self} and ${ctx.peer}`);
  if (ctx.drifted) return refuse(`${ctx.peer} runs a different shared configuration: no group moves until both run the same one`);
  if (node === ctx.peer) {
    if (!ctx.peerAlive) return refuse(`${ctx.peer} is not alive: it could not take ${group}`);
    if (ctx.peerUnavailable) return refuse(`${ctx.peer} is in standby or stopping: it could not take ${group}`);
  } else {
    if (ctx.standby) return refuse(`this node (${ctx.self}) is in standby: it could not take ${group} (run online first)`);
    if (ctx.isolated) return refuse(`this node (${ctx.self}) reaches no ping node: it could not take ${group}`);
  }
  const how: PlacementHow = cmd.kind === 'standby' ? 'standby' : 'move';
  return { ok: true, placement: { group, node, how, at: cmd.at }, message: `${group} ${how === 'standby' ? 'in standby here: moving' : 'moving'} to ${node} (kept until cleared with \`twinbeat move ${group} --clear\`)` };
}
