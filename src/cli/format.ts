// The human rendering of a StatusReport (the JSON one is in commands/status.ts), meant for a
// terminal at 3 a.m.: who holds what first, then the links, then the numbers.
import type { StatusReport, LinkView } from '../daemon/status-report.js';

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

function table(rows: string[][]): string[] {
  const widths = rows.reduce<number[]>((w, row) => row.map((cell, i) => Math.max(w[i] ?? 0, cell.length)), []);
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd());
}

export function renderStatusHuman(r: StatusReport): string {
  const lines: string[] = [];
  const standby = (s: boolean | null) => (s === true ? ' (standby)' : '');
  lines.push(`node   ${r.self.name}: ${r.self.role}${standby(r.self.standby)}, generation ${r.self.generation ?? '?'}`);
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
  lines.push('');
  lines.push(`drops  ${formatDrops(r.drops)}`);
  lines.push(`takeover gate ${r.takeoverGate}`);
  if (r.lastCommand !== null)
    lines.push(`last command ${r.lastCommand.command} ${r.lastCommand.accepted ? 'accepted' : `refused: ${r.lastCommand.reason}`} ${formatAge(r.lastCommand.ageMs)}`);
  lines.push(`daemon pid ${r.daemon.pid}, twinbeat ${r.daemon.version}, up ${formatUptime(r.daemon.uptimeMs)}, config ${r.daemon.configDir}`);
  return `${lines.join('\n')}\n`;
}
