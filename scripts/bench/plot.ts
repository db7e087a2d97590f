// Item 6's plot, drawn by hand as SVG: the median outage per setting, serial link and system as a
// bar on a logarithmic axis, with a whisker from min to max. Pure: returns SVG text.
import type { BenchResults, CableKind } from './results.js';
import type { SystemName } from './systems.js';

const COLORS: Record<SystemName, string> = { twinbeat: '#1f77b4', heartbeat: '#d62728', keepalived: '#2ca02c' };
const SYSTEMS: SystemName[] = ['twinbeat', 'heartbeat', 'keepalived'];
const CABLES: CableKind[] = ['unthrottled', '19200 baud'];

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function outagePlot(r: BenchResults): string {
  const groups = r.settings.flatMap((s) => CABLES.map((cable) => ({ setting: s.label, cable })));
  const barW = 22;
  const groupW = SYSTEMS.length * barW + 44;
  const left = 70;
  const top = 50;
  const plotH = 300;
  const width = left + groups.length * groupW + 170;
  const height = top + plotH + 80;
  const values = r.outage.flatMap((o) => o.outagesMs);
  const lo = 10 ** Math.floor(Math.log10(Math.max(1, Math.min(...values, 1000))));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...values, 10)));
  const y = (v: number): number => top + plotH - ((Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * plotH;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${left}" y="20" font-size="14" font-weight="bold">Client-observed outage on primary power loss (median, whisker min–max; log scale)</text>`,
    `<text x="${left}" y="37" fill="#555">${escape(r.date)}, ${r.machine.cpus} × ${escape(r.machine.cpuModel)}, Linux ${escape(r.machine.kernel)}, ${r.repetitions} repetitions</text>`,
  ];
  for (let v = lo; v <= hi; v *= 10) {
    out.push(`<line x1="${left}" x2="${left + groups.length * groupW}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`);
    out.push(`<text x="${left - 6}" y="${y(v) + 4}" text-anchor="end">${v >= 1000 ? `${v / 1000} s` : `${v} ms`}</text>`);
  }
  out.push(`<line x1="${left}" x2="${left}" y1="${top}" y2="${top + plotH}" stroke="#333"/>`);
  groups.forEach((g, gi) => {
    const x0 = left + gi * groupW + 17;
    SYSTEMS.forEach((system, si) => {
      const entry = r.outage.find((o) => o.system === system && o.setting === g.setting && (o.cable === g.cable || (o.cable === 'none' && g.cable === 'unthrottled')));
      const x = x0 + si * barW;
      if (!entry?.spread) return;
      const { min, median, max } = entry.spread;
      out.push(`<rect x="${x}" y="${y(median)}" width="${barW - 4}" height="${top + plotH - y(median)}" fill="${COLORS[system]}"><title>${system} ${escape(g.setting)} ${g.cable}: median ${Math.round(median)} ms</title></rect>`);
      const cx = x + (barW - 4) / 2;
      out.push(`<line x1="${cx}" x2="${cx}" y1="${y(min)}" y2="${y(max)}" stroke="#000"/>`);
      out.push(`<line x1="${cx - 4}" x2="${cx + 4}" y1="${y(min)}" y2="${y(min)}" stroke="#000"/><line x1="${cx - 4}" x2="${cx + 4}" y1="${y(max)}" y2="${y(max)}" stroke="#000"/>`);
    });
    const mid = x0 + (SYSTEMS.length * barW) / 2;
    // A long label ("50 ms / 200 ms (twinbeat's most aggressive)") goes on two lines.
    const [timing, note] = g.setting.split(' (');
    out.push(`<text x="${mid}" y="${top + plotH + 16}" text-anchor="middle">${escape(timing ?? '')}</text>`);
    out.push(`<text x="${mid}" y="${top + plotH + 30}" text-anchor="middle" fill="#555">${g.cable}</text>`);
    if (note) out.push(`<text x="${mid}" y="${top + plotH + 44}" text-anchor="middle" fill="#555">(${escape(note)}</text>`);
  });
  const lx = left + groups.length * groupW + 20;
  SYSTEMS.forEach((system, i) => {
    out.push(`<rect x="${lx}" y="${top + i * 20}" width="12" height="12" fill="${COLORS[system]}"/>`);
    out.push(`<text x="${lx + 18}" y="${top + i * 20 + 10}">${system}${system === 'keepalived' ? ' (no serial)' : ''}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
