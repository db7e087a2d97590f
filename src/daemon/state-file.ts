// What one node remembers across restarts: its generation (bumped at every start, so the peer's
// replay window accepts the new run's sequence numbers starting again at 1), the last role it
// announced, the operator standby flag and the operator's per-group moves (src/core/placements.ts).
// A move survives restarts and generation bumps; it is cleared only by the operator.
//
// Written atomically (temp file in the same directory, fsync, rename, fsync the directory), so a
// crash or kill -9 at any instant leaves either the old or the new complete file, never a torn one.
import { open, readFile, rename, mkdir } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import ini from 'ini';
import { MAX_GENERATION } from '../protocol/message.js';

/** One operator move as stored (the same shape as the core's Placement). */
export interface StoredMove {
  group: string;
  node: string;
  how: 'move' | 'standby';
  /** Wall-clock ms when the operator ran it. */
  at: number;
}

export interface NodeState {
  generation: number;
  /** Last role announced, or '' if never run. */
  role: string;
  standby: boolean;
  /** Absent when there is none. */
  moves?: StoredMove[];
}

export const initialState: NodeState = { generation: 0, role: '', standby: false };

/** At most this many moves (one per group: haresources has at most 32). */
const MAX_MOVES = 32;

/**
 * `moves` is one line: entries separated by commas, each `GROUP NODE HOW AT` with GROUP and NODE
 * percent-encoded (group keys hold `:` `/`; no space, comma or ini character survives encoding).
 */
function formatMoves(moves: readonly StoredMove[]): string {
  return moves.map((m) => `${encodeURIComponent(m.group)} ${encodeURIComponent(m.node)} ${m.how} ${m.at}`).join(',');
}

function parseMoves(value: unknown, bad: (what: string) => Error): StoredMove[] {
  if (value === undefined || value === '') return [];
  if (typeof value !== 'string') throw bad(`moves: expected a line of moves, got ${String(value).slice(0, 40)}`);
  const entries = value.split(',');
  if (entries.length > MAX_MOVES) throw bad(`moves: more than ${MAX_MOVES} entries`);
  return entries.map((entry) => {
    const fields = entry.trim().split(' ');
    const [group, node, how, at] = fields;
    const decode = (text: string | undefined): string | null => {
      try {
        const decoded = text === undefined ? '' : decodeURIComponent(text);
        return /^[\x21-\x7e]{1,256}$/.test(decoded) ? decoded : null;
      } catch {
        return null;
      }
    };
    const g = decode(group);
    const n = decode(node);
    const time = Number(at);
    if (fields.length !== 4 || g === null || n === null || (how !== 'move' && how !== 'standby') || !Number.isSafeInteger(time) || time < 0) {
      throw bad(`moves: expected GROUP NODE move|standby TIME, got ${JSON.stringify(entry.slice(0, 60))}`);
    }
    return { group: g, node: n, how, at: time };
  });
}

export class StateFileError extends Error {
  override readonly name = 'StateFileError';
}

/** Parse the file text; throws StateFileError naming the path and the field when incomplete. */
export function parseState(text: string, path: string): NodeState {
  const section = ini.parse(text)['node'] as Record<string, unknown> | undefined;
  const bad = (what: string) =>
    new StateFileError(`${path}: ${what}; move the file away to start over (the peer's acknowledgements then tell this node which generation to continue with)`);
  if (section === undefined || typeof section !== 'object') throw bad('no [node] section');
  const generation = Number(section['generation']);
  if (!Number.isSafeInteger(generation) || generation < 0 || generation > MAX_GENERATION) {
    throw bad(`generation: expected an integer from 0 to ${MAX_GENERATION}, got ${String(section['generation']).slice(0, 40)}`);
  }
  const standby = section['standby'];
  if (typeof standby !== 'boolean') throw bad(`standby: expected true or false, got ${String(standby)}`);
  const role = section['role'] ?? '';
  if (typeof role !== 'string') throw bad(`role: expected a word, got ${String(role)}`);
  // `complete` is written last: its presence proves the writer finished (belt and braces on top
  // of the rename, for files edited by hand or copied).
  if (section['complete'] !== true) throw bad('incomplete (no complete=true line)');
  const moves = parseMoves(section['moves'], bad);
  return moves.length > 0 ? { generation, role, standby, moves } : { generation, role, standby };
}

export function formatState(state: NodeState): string {
  const moves = state.moves && state.moves.length > 0 ? { moves: formatMoves(state.moves) } : {};
  const body = ini.stringify({ node: { generation: state.generation, role: state.role, standby: state.standby, ...moves, complete: true } });
  return `; twinbeat node state: written by the daemon, do not edit while it runs\n${body.endsWith('\n') ? body : `${body}\n`}`;
}

/** The stored state, or the initial state (generation 0) when the file does not exist. */
export async function loadState(path: string): Promise<NodeState> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { ...initialState };
    throw err;
  }
  return parseState(text, path);
}

export async function saveState(path: string, state: NodeState): Promise<void> {
  await writeFileAtomically(path, formatState(state));
}

/**
 * Replace `path` with `text` so that a crash at any instant leaves the old or the new file,
 * never a torn one: temp file in the same directory, fsync, rename, fsync the directory.
 */
export async function writeFileAtomically(path: string, text: string): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  // One fixed temp name: the pidfile guarantees a single writer, and a leftover from a crash is
  // simply overwritten next time instead of accumulating.
  const tmp = join(dir, `.${basename(path)}.tmp`);
  const file = await open(tmp, 'w', 0o644);
  try {
    await file.writeFile(text, 'utf8');
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(tmp, path);
  const dirHandle = await open(dir, 'r');
  try {
    await dirHandle.sync();
  } finally {
    await dirHandle.close();
  }
}

/**
 * Load, bump the generation, save durably, return the new state. Called once per daemon start.
 * A generation that cannot grow is refused here, before anything runs: a daemon that cannot
 * number its frames must not start and send nothing.
 */
export async function bumpGeneration(path: string): Promise<NodeState> {
  const state = await loadState(path);
  if (state.generation >= MAX_GENERATION) {
    throw new StateFileError(
      `${path}: generation ${state.generation} is the highest there is and cannot grow; move the file away and start: the peer's acknowledgements then tell this node which generation to continue with (restart the peer too if it remembers ${MAX_GENERATION})`,
    );
  }
  const next = { ...state, generation: state.generation + 1 };
  await saveState(path, next);
  return next;
}
