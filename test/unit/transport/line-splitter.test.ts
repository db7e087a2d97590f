import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineSplitter } from '../../../src/transport/line-splitter.js';

function make(max = 10, timeout = 50) {
  const lines: string[] = [];
  const drops: string[] = [];
  const splitter = new LineSplitter(max, timeout, { line: (t) => lines.push(t), drop: (r) => drops.push(r) });
  return { splitter, lines, drops };
}
const bytes = (s: string) => Buffer.from(s, 'latin1');

test('splits lines across chunks and tolerates CRLF', () => {
  const { splitter, lines, drops } = make();
  splitter.feed(bytes('ab'), 0);
  splitter.feed(bytes('c\nde\r\nf'), 1);
  splitter.feed(bytes('g\n'), 2);
  assert.deepEqual(lines, ['abc', 'de', 'fg']);
  assert.deepEqual(drops, []);
});

test('an overlong line is discarded while streaming, without buffering it', () => {
  const { splitter, lines, drops } = make(10);
  for (let i = 0; i < 1000; i++) splitter.feed(bytes('x'.repeat(1000)), i * 0.01);
  splitter.feed(bytes('\nok\n'), 20);
  assert.deepEqual(lines, ['ok']);
  assert.deepEqual(drops, ['too-long']);
  const exact = make(10);
  exact.splitter.feed(bytes('0123456789\n'), 0);
  assert.deepEqual(exact.lines, ['0123456789'], 'a line of exactly the limit passes');
});

test('noise and empty lines are counted as line-noise', () => {
  const { splitter, lines, drops } = make();
  splitter.feed(Buffer.from([0x41, 0x00, 0x42, 0x0a, 0x0a, 0xff, 0x0a]), 0);
  splitter.feed(bytes('fine\n'), 0);
  assert.deepEqual(lines, ['fine']);
  assert.deepEqual(drops, ['line-noise', 'line-noise', 'line-noise']);
});

test('a partial line expires after the inter-byte timeout, not before', () => {
  const { splitter, lines, drops } = make(10, 50);
  splitter.feed(bytes('hal'), 0);
  splitter.expire(49);
  assert.deepEqual(drops, []);
  splitter.feed(bytes('f'), 49);
  splitter.expire(98);
  assert.deepEqual(drops, []);
  splitter.expire(99);
  assert.deepEqual(drops, ['partial-line']);
  splitter.feed(bytes('new\n'), 200);
  assert.deepEqual(lines, ['new']);
  const late = make(10, 50);
  late.splitter.feed(bytes('stale'), 0);
  late.splitter.feed(bytes('next\n'), 500); // the gap is noticed when the next bytes come
  assert.deepEqual([late.lines, late.drops], [['next'], ['partial-line']]);
});
