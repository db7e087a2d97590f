// The generator behind the sample ha.cf and the README's directive tables. Pure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { directives } from '../../../src/config/directives.js';
import { parseHaCf } from '../../../src/config/hacf.js';
import { haCfHeading, markdownRow, renderHaCfSample, wrapComment } from '../../../src/config/directive-docs.js';

test('wrapComment fills lines up to the width and never splits a word', () => {
  const lines = wrapComment('aaa bbb ccc ddd', '#   ', 11);
  assert.deepEqual(lines, ['#   aaa bbb', '#   ccc ddd']);
  assert.deepEqual(wrapComment('averyveryverylongword x', '#   ', 10), ['#   averyveryverylongword', '#   x']);
});

test('renderHaCfSample keeps the preamble and examples and takes headings and text from the table', () => {
  const node = directives.find((d) => d.name === 'node')!;
  const stale = ['# preamble', '', '# ' + '='.repeat(96), '# old banner', '# ' + '='.repeat(96), '', '# node OLD SYNTAX   (default: x)', '#   old text', 'node alpha beta', ''].join('\n');
  const out = renderHaCfSample(stale);
  assert.ok(out.startsWith('# preamble\n\n# ===='), 'preamble kept');
  assert.ok(out.includes(`${haCfHeading(node)}\n${wrapComment(node.doc).join('\n')}\nnode alpha beta\n`), 'heading and text regenerated, example kept');
  assert.ok(!out.includes('old text') && !out.includes('old banner'));
  assert.equal(renderHaCfSample(out), out, 'idempotent');
});

test('markdownRow is one table row per directive, its pipes escaped', () => {
  for (const d of directives) assert.equal(markdownRow(d).split('\n').length, 1, d.name);
  assert.match(markdownRow(directives.find((d) => d.name === 'auto_failback')!), /on\\\|off\\\|legacy/, 'pipes escaped');
});

test('ping, ping_group and deadping (uplink tracking) are acted on (no notice); log_badpack says it is not', () => {
  const kind = (name: string) => directives.find((d) => d.name === name)!.kind;
  assert.equal(kind('ping'), 'acted');
  assert.equal(kind('ping_group'), 'acted');
  assert.equal(kind('deadping'), 'acted');
  assert.equal(kind('log_badpack'), 'accepted-notice');
  assert.deepEqual(parseHaCf('ping 10.0.0.1\nping_group gw 10.0.0.2 10.0.0.3\n', 'ha.cf').notices, []);
  assert.deepEqual(parseHaCf('deadping 30\n', 'ha.cf').notices, []);
  assert.equal(parseHaCf('log_badpack on\n', 'ha.cf').notices.length, 1);
});
