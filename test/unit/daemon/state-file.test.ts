// The persisted state file (src/daemon/state-file.ts): missing, round trip, generation bump,
// garbled files refused, operator moves, and kill -9 of a writer never tearing the file. Touches
// only temp directories it creates and the node child processes it spawns and kills.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadState, saveState, bumpGeneration, parseState, StateFileError } from '../../../src/daemon/state-file.js';
import { MAX_GENERATION } from '../../../src/protocol/message.js';

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'tb6-state-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('a missing state file reads as generation 0', async (t) => {
  const dir = tempDir(t);
  assert.deepEqual(await loadState(join(dir, 'state')), { generation: 0, role: '', standby: false });
});

test('save then load round-trips every field and leaves no temp file', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'sub', 'state');
  await saveState(path, { generation: 41, role: 'active', standby: true });
  assert.deepEqual(await loadState(path), { generation: 41, role: 'active', standby: true });
  assert.deepEqual(readdirSync(join(dir, 'sub')), ['state']);
  assert.match(readFileSync(path, 'utf8'), /generation=41/);
});

test('bumpGeneration increments and persists', async (t) => {
  const path = join(tempDir(t), 'state');
  assert.equal((await bumpGeneration(path)).generation, 1);
  await saveState(path, { generation: 1, role: 'standby', standby: true });
  const next = await bumpGeneration(path);
  assert.deepEqual(next, { generation: 2, role: 'standby', standby: true });
  assert.deepEqual(await loadState(path), next);
});

test('a truncated or garbled file is refused with the path and the field', async (t) => {
  const path = join(tempDir(t), 'state');
  writeFileSync(path, '[node]\ngeneration=7\nrole=active\n');
  await assert.rejects(loadState(path), (err: Error) => err instanceof StateFileError && err.message.includes(path) && /standby/.test(err.message));
  assert.throws(() => parseState('[node]\ngeneration=-1\nstandby=false\ncomplete=true\n', 'x'), /generation/);
  assert.throws(() => parseState('[node]\ngeneration=3\nstandby=false\n', 'x'), /incomplete/);
  assert.throws(() => parseState('', 'x'), /no \[node\] section/);
});

test('a generation that cannot grow is refused at start, before anything is written', async (t) => {
  const path = join(tempDir(t), 'state');
  await saveState(path, { generation: MAX_GENERATION, role: 'active', standby: false });
  const before = readFileSync(path, 'utf8');
  await assert.rejects(bumpGeneration(path), (err: Error) => err instanceof StateFileError && err.message.includes(path) && /cannot grow/.test(err.message));
  assert.equal(readFileSync(path, 'utf8'), before, 'the file is left as it was');
  await saveState(path, { generation: MAX_GENERATION - 1, role: 'active', standby: false });
  assert.equal((await bumpGeneration(path)).generation, MAX_GENERATION, 'the last one is still usable');
});

test('a generation above the highest, or a huge token, is refused with a short message', () => {
  const text = (generation: string) => `[node]\ngeneration=${generation}\nstandby=false\ncomplete=true\n`;
  assert.throws(() => parseState(text(String(2 ** 53 - 1)), 'x'), /generation: expected an integer from 0 to/);
  assert.throws(() => parseState(text(String(MAX_GENERATION + 1)), 'x'), /generation/);
  assert.throws(() => parseState(text('9'.repeat(100_000)), 'x'), (err: Error) => err.message.length < 400);
});

test('kill -9 at random moments never leaves a torn state file (50 kills)', { timeout: 180_000 }, async (t) => {
  const path = join(tempDir(t), 'state');
  const writer = join(dirname(fileURLToPath(import.meta.url)), 'state-writer.js');
  let previous = 0;
  for (let i = 0; i < 50; i++) {
    const child = spawn(process.execPath, [writer, path], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    await new Promise<void>((resolve, reject) => {
      child.stdout.once('data', () => resolve());
      child.once('exit', (code) => reject(new Error(`writer exited early with ${code}`)));
    });
    // Random delay 0–15 ms: lands at varying points of open/write/fsync/rename.
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 15));
    child.kill('SIGKILL');
    await exited;
    const state = await loadState(path); // throws if torn or incomplete
    assert.ok(state.generation > previous, `generation went from ${previous} to ${state.generation}`);
    previous = state.generation;
  }
});

test('operator moves round-trip through the state file and survive a generation bump', async (t) => {
  const path = join(tempDir(t), 'state');
  const moves = [
    { group: 'IPaddr::10.0.0.1/24/eth0', node: 'beta', how: 'move' as const, at: 1790000000000 },
    { group: 'Dummy::a,b;c#d=e', node: 'alpha', how: 'standby' as const, at: 0 },
  ];
  await saveState(path, { generation: 4, role: 'active', standby: false, moves });
  assert.deepEqual(await loadState(path), { generation: 4, role: 'active', standby: false, moves });
  assert.deepEqual((await bumpGeneration(path)).moves, moves);
  assert.deepEqual((await loadState(path)).moves, moves, 'a restart keeps the moves');
  await saveState(path, { generation: 5, role: 'active', standby: false, moves: [] });
  assert.equal((await loadState(path)).moves, undefined, 'cleared moves leave no line');
});

test('a state file with a broken moves line is refused naming the field', () => {
  const text = (moves: string) => `[node]\ngeneration=3\nrole=active\nstandby=false\nmoves=${moves}\ncomplete=true\n`;
  for (const bad of ['httpd beta', 'httpd beta jump 1', 'httpd beta move -1', 'httpd beta move 1.5', '%E0%A4%A httpd move 1', 'a%0Ab beta move 1', 'httpd beta move 1 extra', Array(40).fill('h b move 1').join(',')]) {
    assert.throws(() => parseState(text(bad), '/var/lib/twinbeat/state'), (err: Error) => err instanceof StateFileError && /\/var\/lib\/twinbeat\/state: moves: /.test(err.message), bad);
  }
});

test('status shows a move time as ISO text, and a time that is not one without throwing', async () => {
  const { formatAt } = await import('../../../src/daemon/status-report.js');
  assert.equal(formatAt(0), '1970-01-01T00:00:00.000Z');
  assert.equal(formatAt(Number.NaN), 'an unknown time');
  assert.equal(formatAt(1e300), 'an unknown time');
});
