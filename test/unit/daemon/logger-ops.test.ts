// The logger's operations side: log files reopened after logrotate moved them, `<N>` priority
// prefixes when stdout is the journal (and only then), numbers a person can read. Writes only
// temp files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, formatLine, readableText, stdoutIsJournal } from '../../../src/daemon/logger.js';
import { untilTrue } from '../../support/until.js';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'tb-logops-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('numbers in fields and messages are rounded: ms fields whole, others to 3 decimals', () => {
  const line = formatLine('warn', 'link-late', 'silent 2001.8966199999998 ms, load 0.12345678, since 12.5ms', {
    silentMs: 2001.8966199999998,
    ratio: 0.123456789,
    count: 7,
    intervalMs: 1000,
  });
  assert.equal(line, 'WARN event=link-late silentMs=2002 ratio=0.123 count=7 intervalMs=1000 msg="silent 2002 ms, load 0.123, since 12.5ms"');
  assert.equal(readableText('10.0.0.2 v1.2.3 at 12:00:00.123Z'), '10.0.0.2 v1.2.3 at 12:00:00.123Z', 'addresses, versions, timestamps untouched');
  assert.equal(readableText('took 99.99999ms'), 'took 100ms');
  assert.match(formatLine('info', 'e', 'm', { nan: Number.NaN, big: 1e21 }), /nan=null big=1e\+21/);
  assert.match(formatLine('info', 'e', 'm', { interArrival: { meanMs: 99.51234, ratio: 1 / 3 } }), /interArrival="\{\\"meanMs\\":100,\\"ratio\\":0\.333\}"/, 'nested too');
});

test('under the journal every stdout line starts with its syslog priority', async () => {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString()));
  const log = createLogger({ stdout: stream, journal: true, debug: 1 });
  log.error('e1', 'broken');
  log.warn('w1', 'late');
  log.info('i1', 'fine');
  log.debug('d1', 'detail');
  await log.close();
  assert.deepEqual(
    text.split('\n').filter(Boolean).map((l) => l.slice(0, 14)),
    ['<3>ERROR event', '<4>WARN event=', '<6>INFO event=', '<7>DEBUG event'],
  );
});

test('stdout is the journal only when JOURNAL_STREAM names the very stream on fd', (t) => {
  const dir = tempDir(t);
  const fd = openSync(join(dir, 'out'), 'w');
  t.after(() => closeSync(fd));
  const st = statSync(join(dir, 'out'));
  assert.equal(stdoutIsJournal({ JOURNAL_STREAM: `${st.dev}:${st.ino}` }, fd), true);
  assert.equal(stdoutIsJournal({ JOURNAL_STREAM: `${st.dev}:${st.ino + 1}` }, fd), false, 'inherited by a child with another stdout');
  assert.equal(stdoutIsJournal({}, fd), false);
  for (const hostile of ['', ':', '1:', 'a:b', `${st.dev}:${st.ino}:9`, ' 1:2', '9'.repeat(400) + ':1']) {
    assert.equal(stdoutIsJournal({ JOURNAL_STREAM: hostile }, fd), false, JSON.stringify(hostile.slice(0, 20)));
  }
});

test('reopen: after logrotate renamed the files, the next lines go to new files at the same paths', async (t) => {
  const dir = tempDir(t);
  const logfile = join(dir, 'ha-log');
  const debugfile = join(dir, 'ha-debug');
  const log = createLogger({ logfile, debugfile, stdout: new PassThrough() });
  log.info('before', 'first line');
  // The files are opened in the background: rotate only once both exist and hold the line.
  await untilTrue('the first line in both files', () => [logfile, debugfile].every((f) => existsSync(f) && /event=before/.test(readFileSync(f, 'utf8'))));
  renameSync(logfile, `${logfile}.1`);
  renameSync(debugfile, `${debugfile}.1`);
  log.info('between', 'still the old file: nobody reopened yet');
  log.reopen();
  log.info('after', 'new file');
  log.debug('after-debug', 'new debug file');
  await log.close();
  const rotated = readFileSync(`${logfile}.1`, 'utf8');
  const fresh = readFileSync(logfile, 'utf8');
  assert.match(rotated, /event=before/);
  assert.match(rotated, /event=between/);
  assert.doesNotMatch(rotated, /event=after/);
  assert.match(fresh, /event=after /);
  assert.doesNotMatch(fresh, /event=before|event=between/);
  assert.match(readFileSync(debugfile, 'utf8'), /event=after-debug/);
  assert.doesNotMatch(readFileSync(`${debugfile}.1`, 'utf8'), /event=after/);
});

test('reopen survives a directory that vanished and logs again once it is back', async (t) => {
  const dir = tempDir(t);
  const sub = join(dir, 'sub');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(sub);
  const logfile = join(sub, 'ha-log');
  const log = createLogger({ logfile, stdout: new PassThrough() });
  log.info('one', 'x');
  await untilTrue('the first line in the file', () => existsSync(logfile) && /event=one/.test(readFileSync(logfile, 'utf8')));
  rmSync(sub, { recursive: true });
  log.reopen();
  log.info('lost', 'nowhere to go');
  await new Promise((r) => setTimeout(r, 50));
  mkdirSync(sub);
  log.reopen();
  log.info('back', 'y');
  await log.close();
  assert.match(readFileSync(logfile, 'utf8'), /event=back/);
});
