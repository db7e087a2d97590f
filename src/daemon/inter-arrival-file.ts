// The deadtime advisor's memory: the daemon saves each link's inter-arrival figures (the ones
// `twinbeat status` shows) next to the state file, every minute and at stop, so `twinbeat check`
// can compare a configured deadtime with what the links measured, even when the daemon is not
// running. Written atomically (state-file.ts writeFileAtomically). The file is input to check:
// parsing is bounded and every field is checked, a bad file is reported, never trusted.
import { open } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { StatusReport, LinkView } from './status-report.js';
import { writeFileAtomically } from './state-file.js';

export const FIGURES_VERSION = 1;
/** A real file is a few hundred bytes per link. */
const LARGEST_FIGURES_FILE = 64 * 1024;
const MOST_LINKS = 64;
const LONGEST_NAME = 200;
export const SAVE_EVERY_MS = 60_000;

export type SavedLink = Pick<LinkView, 'name' | 'kind' | 'interArrival' | 'supportedDeadtimeMs'>;

export interface SavedFigures {
  version: typeof FIGURES_VERSION;
  /** Wall-clock ms (Date.now()) when saved: check shows the age. */
  savedAt: number;
  node: string;
  /** The timings in force when the figures were taken. */
  keepaliveMs: number;
  deadtimeMs: number;
  links: SavedLink[];
}

/** Next to the state file: /var/lib/twinbeat/state.ini → /var/lib/twinbeat/state.inter-arrival.json. */
export function figuresPath(stateFile: string): string {
  return join(dirname(stateFile), `${basename(stateFile, extname(stateFile))}.inter-arrival.json`);
}

export function figuresFrom(report: StatusReport, timing: { keepaliveMs: number; deadtimeMs: number }, savedAt: number): SavedFigures {
  return {
    version: FIGURES_VERSION,
    savedAt,
    node: report.self.name,
    keepaliveMs: timing.keepaliveMs,
    deadtimeMs: timing.deadtimeMs,
    links: report.links.map((l) => ({ name: l.name, kind: l.kind, interArrival: l.interArrival, supportedDeadtimeMs: l.supportedDeadtimeMs })),
  };
}

export async function saveFigures(path: string, figures: SavedFigures): Promise<void> {
  await writeFileAtomically(path, `${JSON.stringify(figures, null, 2)}\n`);
}

export type FiguresRead = { ok: true; figures: SavedFigures } | { ok: false; problem: string } | null;

const isMs = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** The figures in `text`, or what is wrong with them (first problem only). */
export function parseFigures(text: string): { ok: true; figures: SavedFigures } | { ok: false; problem: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'not JSON' };
  }
  const bad = (problem: string) => ({ ok: false as const, problem });
  if (typeof doc !== 'object' || doc === null) return bad('not a JSON object');
  const d = doc as Record<string, unknown>;
  if (d['version'] !== FIGURES_VERSION) return bad(`version: expected ${FIGURES_VERSION}`);
  for (const key of ['savedAt', 'keepaliveMs', 'deadtimeMs'] as const) if (!isMs(d[key])) return bad(`${key}: expected a number of ms`);
  if (typeof d['node'] !== 'string' || d['node'].length > LONGEST_NAME) return bad('node: expected a name');
  if (!Array.isArray(d['links']) || d['links'].length > MOST_LINKS) return bad(`links: expected a list of at most ${MOST_LINKS}`);
  const links: SavedLink[] = [];
  for (const [i, raw] of (d['links'] as unknown[]).entries()) {
    const l = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const ia = (typeof l['interArrival'] === 'object' && l['interArrival'] !== null ? l['interArrival'] : {}) as Record<string, unknown>;
    if (typeof l['name'] !== 'string' || l['name'].length === 0 || l['name'].length > LONGEST_NAME || !/^[\x21-\x7e]+$/.test(l['name'])) return bad(`links[${i}].name: expected a link name`);
    if (typeof l['kind'] !== 'string' || !/^[a-z]{1,20}$/.test(l['kind'])) return bad(`links[${i}].kind: expected a link kind`);
    for (const key of ['mean', 'p50', 'p99', 'p999', 'max', 'count']) if (!isMs(ia[key])) return bad(`links[${i}].interArrival.${key}: expected a number`);
    const advice = l['supportedDeadtimeMs'];
    if (advice !== null && !isMs(advice)) return bad(`links[${i}].supportedDeadtimeMs: expected ms or null`);
    const n = ia as Record<'mean' | 'p50' | 'p99' | 'p999' | 'max' | 'count', number>;
    links.push({ name: l['name'], kind: l['kind'], interArrival: { mean: n.mean, p50: n.p50, p99: n.p99, p999: n.p999, max: n.max, count: n.count }, supportedDeadtimeMs: advice as number | null });
  }
  return { ok: true, figures: { version: FIGURES_VERSION, savedAt: d['savedAt'] as number, node: d['node'], keepaliveMs: d['keepaliveMs'] as number, deadtimeMs: d['deadtimeMs'] as number, links } };
}

/** The saved figures, what is wrong with the file, or null when there is none. */
export async function loadFigures(path: string): Promise<FiguresRead> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? null : { ok: false, problem: code ?? String(err) };
  }
  try {
    if (!(await handle.stat()).isFile()) return { ok: false, problem: 'not a regular file' };
    const buffer = Buffer.alloc(LARGEST_FIGURES_FILE + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead > LARGEST_FIGURES_FILE) return { ok: false, problem: `larger than ${LARGEST_FIGURES_FILE / 1024} KiB` };
    return parseFigures(buffer.subarray(0, bytesRead).toString('utf8'));
  } finally {
    await handle.close();
  }
}

export interface FiguresSaver {
  /** Stop saving periodically and save one last time (the daemon's stop). */
  stop(): Promise<void>;
}

/** Saves collect()'s figures every `everyMs` and at stop; a failed save is reported, never fatal. */
export function startFiguresSaver(opts: { path: string; collect: () => SavedFigures; onError: (err: Error) => void; everyMs?: number }): FiguresSaver {
  let chain: Promise<void> = Promise.resolve();
  const save = () => {
    chain = chain.then(() => saveFigures(opts.path, opts.collect())).catch((err: Error) => opts.onError(err));
    return chain;
  };
  const timer = setInterval(() => void save(), opts.everyMs ?? SAVE_EVERY_MS);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      return save();
    },
  };
}
