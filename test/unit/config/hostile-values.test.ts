// Issue 12, hole 8: values no configuration has a use for. Control characters (a NUL above all:
// it would cut a path short further on) are refused with FILE:LINE in every file; a huge token is
// echoed as a short prefix and its length, so errors, notices, `check` and a reload stay small
// and fast whatever the file holds; a file too big to be a configuration is not read at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../../../src/config/load.js';
import { boundedError, clipped, formatError, formatNotice, shown } from '../../../src/config/errors.js';
import { parseHaCf } from '../../../src/config/hacf.js';
import { parseHaresources } from '../../../src/config/haresources.js';
import { parseAuthkeys } from '../../../src/config/authkeys.js';
import { createCheckCommand } from '../../../src/cli/commands/check.js';
import { stage } from './stage.js';

async function problems(s: ReturnType<typeof stage>): Promise<string[]> {
  const r = await loadConfig(s.dir, s.node, { scripts: s.scripts, resolve: s.resolve });
  return r.ok ? [] : r.errors.map((e) => s.relative(formatError(e)));
}

const pathDirectives = ['logfile', 'debugfile', 'tb_control_socket', 'tb_state_file', 'tb_pid_file', 'serial', 'coreroot', 'watchdog'];

test('a NUL in any path directive is refused at its line, naming the character and where', () => {
  for (const name of pathDirectives) {
    const { errors, values } = parseHaCf(`node alpha beta\n${name} /run/tb\u0000/evil\n`, 'ha.cf');
    assert.deepEqual(errors.map(formatError), [`ha.cf:2: ${name}: expected printable text (no NUL or other control characters), got a NUL byte at character 8 of word 2, "/run/tb\\u0000/evil"`], name);
    assert.equal(values.nodes.length, 2, 'the other lines still count');
  }
  const hook = parseHaCf('tb_hook fence /usr/sbin/fence\u0000x\n', 'ha.cf').errors.map(formatError);
  assert.match(hook[0]!, /^ha\.cf:1: tb_hook: expected printable text .*got a NUL byte at character 16 of word 3/);
});

test('other control characters are refused too; tabs, CR and comments are not values', () => {
  const cases: [string, RegExp][] = [
    ['logfile /var/log/\u0001ha\n', /control character U\+0001 at character 10 of word 2/],
    ['logfile /var/log/ha\u007f\n', /control character U\+007F/],
    ['logfile /var/log/ha\u009b\n', /control character U\+009B/],
    ['\u0000node alpha beta\n', /^ha\.cf:1: line: expected printable text .*a NUL byte at character 1 of word 1/],
  ];
  for (const [text, want] of cases) assert.match(parseHaCf(text, 'ha.cf').errors.map(formatError).join('\n'), want, JSON.stringify(text));
  const fine = parseHaCf('node\talpha beta\r\nlogfile /var/log/ha # a comment may hold \u0000 anything\n', 'ha.cf');
  assert.deepEqual(fine.errors, []);
  assert.equal(fine.values.logfile?.value, '/var/log/ha');
});

test('authkeys keys and haresources arguments with a NUL are refused with FILE:LINE', async (t) => {
  const s = stage('valid', 'minimal');
  t.after(() => s.remove());
  writeFileSync(join(s.dir, 'authkeys'), 'auth 1\n1 sha256 abc\u0000def\n');
  writeFileSync(join(s.dir, 'haresources'), 'alpha Dummy::a\u0000b\n');
  assert.deepEqual(await problems(s), [
    'haresources:1: alpha: expected printable text (no NUL or other control characters), got a NUL byte at character 9 of word 2, "Dummy::a\\u0000b"',
    'authkeys:1: auth: expected a key line for index 1, got no keys',
    'authkeys:2: 1: expected printable text (no NUL or other control characters), got a NUL byte at character 4 of word 3, "abc\\u0000def"',
  ]);
});

test('echoed tokens are cut to a prefix and their length', () => {
  const long = 'x'.repeat(100);
  assert.equal(shown(long), `"${'x'.repeat(60)}"… (100 characters)`);
  assert.equal(shown('short'), '"short"');
  assert.equal(clipped(long), `${'x'.repeat(60)}… (100 characters)`);
  assert.match(parseHaCf(`node ${'a'.repeat(65)} beta\n`, 'ha.cf').errors.map(formatError)[0]!, /expected a node name .*at most 64.*\(65 characters\)$/);
  assert.match(parseHaCf(`logfile /${'p'.repeat(5000)}\n`, 'ha.cf').errors.map(formatError)[0]!, /expected an absolute path of at most 4095 bytes, got "\/p{59}"… \(5001 characters\)$/);
});

const tenMegabytes = 10 * 1024 * 1024;

test('a file larger than 1 MiB, or not a regular file, is refused at once without reading it whole', async (t) => {
  const s = stage('valid', 'minimal');
  t.after(() => s.remove());
  appendFileSync(join(s.dir, 'ha.cf'), `udpport ${'7'.repeat(tenMegabytes)}\n`);
  rmSync(join(s.dir, 'haresources'));
  symlinkSync('/dev/zero', join(s.dir, 'haresources'));
  const started = performance.now();
  const errors = await problems(s);
  const tookMs = performance.now() - started;
  assert.deepEqual(errors, [
    'ha.cf: file: expected a file of at most 1024 KiB, got a larger one',
    'haresources: file: expected a regular file, got something else (a device, FIFO or directory)',
  ]);
  // Measured: a reload of ha.cf with a 10 MB token took 90-170 ms and answered 10.5 MB before; 1-3 ms now.
  assert.ok(tookMs < 500, `took ${Math.round(tookMs)} ms`);
});

test('huge tokens in every file: every message stays short and says the length', async (t) => {
  const s = stage('valid', 'minimal');
  t.after(() => s.remove());
  const big = 'A'.repeat(150_000); // under the file limit: these reach the parsers
  appendFileSync(join(s.dir, 'ha.cf'), `${big}\nudpport ${big}\nnode ${big}\nlogfile /${big}\n`);
  writeFileSync(join(s.dir, 'haresources'), `alpha ${big}\n${big} Dummy::x\n`);
  appendFileSync(join(s.dir, 'authkeys'), `${big}\n`);
  const r = await loadConfig(s.dir, s.node, { scripts: s.scripts, resolve: s.resolve });
  assert.equal(r.ok, false);
  const lines = [...(r.ok ? [] : r.errors.map(formatError)), ...r.notices.map(formatNotice)];
  assert.ok(lines.length >= 7, lines.join('\n'));
  const longest = Math.max(...lines.map((l) => l.length));
  assert.ok(longest < 600, `longest message ${longest} characters: ${lines.find((l) => l.length === longest)!.slice(0, 300)}`);
  assert.ok(lines.every((l) => !l.includes('A'.repeat(201))), 'no run longer than the bound');
  assert.ok(lines.some((l) => l.includes('(150000 characters)')), lines.join('\n'));

  let out = '';
  let err = '';
  const code = await createCheckCommand({ searchPath: s.searchPath, resolve: s.resolve }).run({ configDir: s.dir, node: s.node, json: false }, [], { out: (text) => (out += text), err: (text) => (err += text) });
  assert.equal(code, 1);
  assert.ok(err.length + out.length < 10_000, `check printed ${err.length + out.length} characters`);
  let json = '';
  await createCheckCommand({ searchPath: s.searchPath, resolve: s.resolve }).run({ configDir: s.dir, node: s.node, json: true }, [], { out: (text) => (json += text), err: () => {} });
  assert.ok(json.length < 20_000, `check --json printed ${json.length} characters`);
});

test('the parsers themselves echo a 10 MB token as a prefix and its length', () => {
  const huge = 'B'.repeat(tenMegabytes);
  const messages = [
    ...parseHaCf(`${huge}\nudpport ${huge}\nnode ${huge}\n`, 'ha.cf').errors,
    ...parseHaresources(`${huge} ${huge}\nalpha Dummy::x ${huge}\n`, 'haresources').errors,
    ...parseAuthkeys(`auth ${huge}\n${huge}\n`, 'authkeys').errors,
  ].map((e) => formatError(boundedError(e)));
  assert.ok(messages.length >= 6, messages.join('\n'));
  for (const m of messages) assert.ok(m.length < 600, m.slice(0, 300));
  assert.ok(messages.some((m) => m.includes(`(${tenMegabytes} characters)`)));
});
