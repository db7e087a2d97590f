// How healthy a status report is, for `twinbeat status`'s exit code and `status --check`'s
// Nagios line: 0 OK, 1 WARNING (degraded), 2 CRITICAL, 3 UNKNOWN (no report: not running,
// unreachable). Pure: reads a StatusReport, nothing else. The rules are listed in
// src/cli/README.md "Health rules" and tested in test/unit/cli/status-health.test.ts.
import type { StatusReport, GroupView } from '../daemon/status-report.js';

export const HEALTH_LEVELS = ['ok', 'warning', 'critical', 'unknown'] as const;
export type HealthLevel = (typeof HEALTH_LEVELS)[number];

/** The exit code of `twinbeat status` (and `--check`) for each level: Nagios's 0/1/2/3. */
export const HEALTH_EXIT: Record<HealthLevel, number> = { ok: 0, warning: 1, critical: 2, unknown: 3 };

export interface Health {
  level: HealthLevel;
  /** Same as HEALTH_EXIT[level]. */
  code: number;
  /** Why, most severe first; empty when ok. */
  problems: { level: 'warning' | 'critical'; text: string }[];
}

/**
 * The pair is past start-up when this node has left `init` (the peer was heard or initdead ran
 * out) and is not `leaving` (a graceful stop releases everything on purpose). From then on
 * every configured group should run on one node.
 */
export function pastStartup(r: StatusReport): boolean {
  return r.self.role !== 'init' && r.self.role !== 'leaving';
}

/**
 * A group should run but nobody holds it: past start-up, no holder as far as this node knows,
 * the peer did not hold it at its last word (a cut cable: it may still run there), and no
 * handover under way (the few milliseconds between one node's stop and the other's start).
 */
export function unheld(r: StatusReport, g: GroupView): boolean {
  return pastStartup(r) && g.holders.length === 0 && !g.peerHeldAtLastContact && g.pendingHandover === null;
}

export function assessStatus(r: StatusReport): Health {
  const critical: string[] = [];
  const warning: string[] = [];
  for (const g of r.groups) {
    if (g.holders.length > 1) critical.push(`split brain: ${g.key} runs on ${g.holders.join(' and ')}`);
    else if (unheld(r, g)) critical.push(`${g.key} runs nowhere${g.noEligibleHolder !== null ? `: ${g.noEligibleHolder}` : ''}`);
    else if (g.holders.length === 0 && g.peerHeldAtLastContact) warning.push(`${g.key}: ${r.peer.name} held it when last heard and may still`);
    if (g.failedHere) warning.push(`${g.key} failed on ${r.self.name}`);
    if (g.phase === 'stop-failed') warning.push(`${g.key} failed to stop on ${r.self.name}: operator action needed`);
  }
  if (r.self.role === 'init') warning.push(`${r.self.name} is starting up`);
  if (r.self.standby === true) warning.push(`${r.self.name} is in standby: it takes no group over`);
  if (r.peer.state !== 'alive') warning.push(`peer ${r.peer.name} is ${r.peer.state}${r.peer.leftGracefully ? ' (stopped gracefully)' : ''}: no failover possible`);
  else if (r.peer.role === 'failed') warning.push(`peer ${r.peer.name} failed to stop a group: operator action needed there`);
  else if (r.peer.standby === true) warning.push(`peer ${r.peer.name} is in standby: no failover possible`);
  for (const l of r.links) {
    if (l.mediumDown !== null) warning.push(`link ${l.name} medium down: ${l.mediumDown}`);
    else if (l.state !== 'up' && r.peer.state === 'alive') warning.push(`link ${l.name} is ${l.state}`);
  }
  if (r.configDigest.match === false) warning.push(`configuration differs from ${r.peer.name}'s (digest ${r.configDigest.self})`);
  warning.push(...uplinkProblems(r));
  const problems = [...critical.map((text) => ({ level: 'critical' as const, text })), ...warning.map((text) => ({ level: 'warning' as const, text }))];
  const level: HealthLevel = critical.length > 0 ? 'critical' : warning.length > 0 ? 'warning' : 'ok';
  return { level, code: HEALTH_EXIT[level], problems };
}

/**
 * Uplink tracking's warnings: this node misses part of its uplink (with the reason groups move
 * or will move, while they do), or the peer announces a lower score than ours. Equal losses on
 * both nodes move nothing but are still each node's own warning.
 */
function uplinkProblems(r: StatusReport): string[] {
  const u = r.uplink;
  if (u === undefined || u.state === 'off') return [];
  const out: string[] = [];
  const moving = u.state === 'worse' || u.state === 'handing-over' ? `: ${u.why}` : '';
  if (u.self !== null && u.self.failing.length > 0) out.push(`uplink of ${r.self.name} ${u.self.score}/${u.self.total} (failing: ${u.self.failing.join(', ')})${moving}`);
  else if (moving !== '') out.push(`uplink of ${r.self.name} ${u.state}${moving}`);
  if (u.self !== null && u.peer !== null && r.peer.state === 'alive' && u.peer < u.self.score) out.push(`uplink of ${r.peer.name} worse than ${r.self.name}'s (${u.peer} < ${u.self.score})`);
  return out;
}

/** Nagios plugin output: one line, `TWINBEAT LEVEL - summary | perfdata`. */
export function nagiosLine(r: StatusReport, health: Health): string {
  const linksUp = r.links.filter((l) => l.state === 'up').length;
  const held = r.groups.filter((g) => g.holders.includes(r.self.name)).length;
  const summary =
    health.problems.length > 0
      ? health.problems.map((p) => p.text).join('; ')
      : `${r.self.name} ${r.self.role}, peer ${r.peer.name} ${r.peer.state}, ${linksUp}/${r.links.length} links up, ${held}/${r.groups.length} groups held here`;
  const perf = `links_up=${linksUp};;;0;${r.links.length} groups_held=${held};;;0;${r.groups.length}`;
  return `TWINBEAT ${health.level.toUpperCase()} - ${oneLine(summary)} | ${perf}`;
}

/** Nagios reads the first line only; a `|` would start the perfdata. */
export function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/\|/g, '/');
}
