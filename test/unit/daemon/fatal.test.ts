// The crash path (issue 12, hole 5): entered twice it exits once and loses neither error; with
// the log already closed (the "write after end" of the report) the line still reaches stderr.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../../../src/daemon/logger.js';
import { fatalHandler, FATAL_EXIT_CODE } from '../../../src/daemon/fatal.js';

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'tb-fatal-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('entered twice: one exit with 70, the first error in the log, the second on stderr', async (t) => {
  const logfile = join(tempDir(t), 'ha-log');
  const log = createLogger({ logfile });
  const exits: number[] = [];
  const stderr: string[] = [];
  let exited!: () => void;
  const firstExit = new Promise<void>((resolve) => (exited = resolve));
  const exit = (code: number) => {
    exits.push(code);
    exited();
  };
  // Awaited, not slept for: the exit follows the log's close, which takes as long as the disk does.
  const onFatal = fatalHandler({ log, closeLog: () => log.close(), exit, stderr: (l) => stderr.push(l) });
  onFatal(new Error('first bug'));
  onFatal(new Error('second bug'));
  await firstExit;
  assert.deepEqual(exits, [FATAL_EXIT_CODE]);
  assert.match(readFileSync(logfile, 'utf8'), /ERROR event=daemon-crash msg="fatal: Error: first bug/);
  assert.equal(stderr.length, 1);
  assert.match(stderr[0]!, /another error while exiting after a fatal one: fatal: Error: second bug/);
});

test('a logger that is closed writes to its fallback instead of throwing "write after end"; close twice is fine', async (t) => {
  const fallback: string[] = [];
  const log = createLogger({ logfile: join(tempDir(t), 'ha-log'), fallback: (l) => fallback.push(l) });
  await log.close();
  await log.close();
  log.error('late-error', 'said after close');
  log.debug('late-debug', 'not worth stderr');
  assert.equal(fallback.length, 1);
  assert.match(fallback[0]!, /^\d{4}-\d\d-\d\dT\S+ ERROR event=late-error msg="said after close"$/);
});

test('a closing log does not keep the process from exiting', async (t) => {
  const log = createLogger({ logfile: join(tempDir(t), 'ha-log') });
  const exits: number[] = [];
  const onFatal = fatalHandler({ log, closeLog: () => new Promise(() => {}), exit: (code) => exits.push(code), flushTimeoutMs: 100 });
  onFatal('a string, not an Error');
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(exits, [FATAL_EXIT_CODE]);
  await log.close();
});

test('a real process: the log closed, then two uncaught errors: exit 70 and both on stderr', (t) => {
  const dir = tempDir(t);
  const dist = (rel: string) => fileURLToPath(new URL(`../../../src/daemon/${rel}`, import.meta.url));
  const script = `
    import { createLogger } from ${JSON.stringify(dist('logger.js'))};
    import { fatalHandler } from ${JSON.stringify(dist('fatal.js'))};
    const log = createLogger({ logfile: ${JSON.stringify(join(dir, 'ha-log'))} });
    // A flush that takes a moment, so the second error comes while the first is being handled.
    const closeLog = () => new Promise((r) => setTimeout(r, 200)).then(() => log.close());
    process.on('uncaughtException', fatalHandler({ log, closeLog, exit: (c) => process.exit(c) }));
    await log.close(); // as during a stop: the transport has ended
    setTimeout(() => { setImmediate(() => { throw new Error('second bug'); }); throw new Error('first bug'); }, 10);
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.status, FATAL_EXIT_CODE, r.stderr);
  assert.match(r.stderr, /ERROR event=daemon-crash msg="fatal: Error: first bug/);
  assert.match(r.stderr, /another error while exiting after a fatal one: fatal: Error: second bug/);
});
