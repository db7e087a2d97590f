// The human rendering of a StatusReport (the JSON one is in commands/status.ts), meant for a
// terminal at 3 a.m.: who holds what first, then the links, then the numbers. Pure: returns text.
import type { StatusReport, LinkView } from '../daemon/status-report.js';
import { ADVICE_MIN_SAMPLES, INTER_ARRIVAL_WINDOW } from '../transport/stats.js';

export function formatAge(ms: number | null): string {
  if (ms === null) return 'never';
  if (ms < 1000) return `${Math.round(ms)}ms ago`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)}s ago`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)}m ago`;
  return `${(ms / 3_600_000).toFixed(1)}h ago`;
}

export function formatUptime(ms: number): string {
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  return d > 0 ? `${d}d ${h}h ${m}m` : h > 0 ? `${h}h ${m}m` : `${m}m ${s % 60}s`;
}

function formatDrops(drops: Record<string, number>): string {
  const entries = Object.entries(drops).filter(([, n]) => n > 0);
  return entries.length === 0 ? 'none' : entries.map(([reason, n]) => `${reason}=${n}`).join(' ');
}

function jitter(link: LinkView): string {
  const ia = link.interArrival;
  if (ia.count === 0) return '-';
  return `mean ${Math.round(ia.mean)}ms p99 ${Math.round(ia.p99)}ms max ${Math.round(ia.max)}ms`;
}

/** Per link: the inter-arrival figures and the deadtime they support (status, and check's saved figures). */
export function deadtimeAdvice(links: readonly Pick<LinkView, 'name' | 'interArrival' | 'supportedDeadtimeMs'>[]): string[] {
  const ms = (v: number) => `${Math.round(v)}ms`;
  return table(
    links.map((l) => {
      const ia = l.interArrival;
      if (ia.count === 0) return [`  ${l.name}`, 'no frames accepted yet'];
      const advice = l.supportedDeadtimeMs === null ? `too few frames to advise (${ia.count} of ${ADVICE_MIN_SAMPLES})` : `supports deadtime ${ms(l.supportedDeadtimeMs)}`;
      return [`  ${l.name}`, `p50 ${ms(ia.p50)}`, `p99 ${ms(ia.p99)}`, `p99.9 ${ms(ia.p999)}`, `max ${ms(ia.max)}`, `(${ia.count})`, advice];
    }),
  );
}

function table(rows: string[][]): string[] {
  const widths = rows.reduce<number[]>((w, row) => row.map((cell, i) => Math.max(w[i] ?? 0, cell.length)), []);
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd());
}

export function renderStatusHuman(r: StatusReport): string {
  const lines: string[] = [];
  const standby = (s: boolean | null) => (s === true ? ' (standby)' : '');
  const deferring = r.self.deferringToPeer === null ? '' : ` (online, deferring to ${r.peer.name} since ${r.self.deferringToPeer === 'online' ? 'online here' : 'its takeover'}: no failback until takeover here or ${r.peer.name} fails)`;
  lines.push(`node   ${r.self.name}: ${r.self.role}${standby(r.self.standby)}${deferring}, generation ${r.self.generation ?? '?'}`);
  const left = r.peer.leftGracefully ? ' (said goodbye)' : '';
  lines.push(
    `peer   ${r.peer.name}: ${r.peer.state}${left}, ${r.peer.role}${standby(r.peer.standby)}, generation ${r.peer.generation ?? '?'}, last heard ${formatAge(r.peer.lastHeardAgeMs)}`,
  );
  const digest =
    r.configDigest.match === null
      ? `${r.configDigest.self} (peer's not known yet)`
      : r.configDigest.match
        ? `${r.configDigest.self} (matches peer)`
        : `${r.configDigest.self} MISMATCH with the peer: ha.cf timings/nodes or haresources differ (run twinbeat check on both)`;
  lines.push(`config ${digest}`);
  lines.push('');
  lines.push('resources:');
  if (r.groups.length === 0) lines.push('  (no resource groups)');
  for (const g of r.groups) {
    const held = g.holders.length === 0 ? 'nobody' : g.holders.length > 1 ? `${g.holders.join(' AND ')} (SPLIT BRAIN)` : g.holders[0];
    const lastWord = g.peerHeldAtLastContact ? `${r.peer.name} held it when last heard and may still` : null;
    const extra = [g.pendingHandover, g.why, lastWord].filter((x) => x !== null && x !== '').join('; ');
    lines.push(`  ${g.key}: held by ${held}, here ${g.phase} (preferred: ${g.owner})${extra ? ` - ${extra}` : ''}`);
    if (g.move !== null) lines.push(`    moved by operator here: ${g.move.how === 'standby' ? 'standby, ' : ''}to ${g.move.node} at ${g.move.at} (clear: twinbeat move ${g.key} --clear)`);
    if (g.noEligibleHolder !== null) lines.push(`    NO ELIGIBLE HOLDER: ${g.noEligibleHolder}`);
    for (const res of g.resources) {
      const monitor = res.monitorFailures > 0 || res.restarts > 0 ? ` (monitor failures ${res.monitorFailures}, restarts ${res.restarts})` : '';
      lines.push(`    ${res.id}: ${res.state}${monitor}`);
    }
  }
  lines.push('');
  lines.push('links:');
  if (r.links.length === 0) lines.push('  (none)');
  else
    lines.push(
      ...table([
        ['  LINK', 'STATE', 'LAST HEARD', 'SENT', 'RECV', 'INTER-ARRIVAL', 'DROPS'],
        ...r.links.map((l) => [
          `  ${l.name}`,
          l.mediumDown === null ? l.state : `${l.state} (medium down: ${l.mediumDown})`,
          formatAge(l.lastHeardAgeMs),
          String(l.framesSent),
          String(l.framesReceived),
          jitter(l),
          formatDrops(l.drops),
        ]),
      ]),
    );
  if (r.links.length > 0) {
    lines.push('', `deadtime advice (gaps between accepted frames, last ${INTER_ARRIVAL_WINDOW} per link; max(2 × p99.9, max + p50)):`);
    lines.push(...deadtimeAdvice(r.links));
  }
  lines.push('');
  lines.push(`drops  ${formatDrops(r.drops)}`);
  lines.push(`takeover gate ${r.takeoverGate}`);
  if (r.uplink && r.uplink.state !== 'off') lines.push(...formatUplink(r.uplink));
  if (r.lastCommand !== null)
    lines.push(`last command ${r.lastCommand.command} ${r.lastCommand.accepted ? 'accepted' : `refused: ${r.lastCommand.reason}`} ${formatAge(r.lastCommand.ageMs)}`);
  lines.push(`daemon pid ${r.daemon.pid}, twinbeat ${r.daemon.version}, up ${formatUptime(r.daemon.uptimeMs)}, config ${r.daemon.configDir}`);
  return `${lines.join('\n')}\n`;
}

/** Uplink tracking: both scores, what fails here, the state with its reason and the last move. */
function formatUplink(u: NonNullable<StatusReport['uplink']>): string[] {
  const ours = u.self === null ? 'unknown' : `${u.self.score}/${u.self.total}${u.self.failing.length > 0 ? ` (failing: ${u.self.failing.join(', ')})` : ''}`;
  const lines = [`uplink ${u.state} for ${formatAge(u.sinceAgeMs).replace(/ ago$/, '')}: score here ${ours}, peer ${u.peer ?? 'unknown'}: ${u.why}`];
  if (u.lastHandover !== null) lines.push(`uplink last handover ${formatAge(u.lastHandover.ageMs)}: ${u.lastHandover.why} (${u.handovers} in all)`);
  return lines;
}
