// The serial line splitter (src/transport/line-splitter.ts): lines across chunks, overlong lines
// discarded while streaming, noise, partial lines after the inter-byte timeout. Pure: bytes and
// time are passed in.
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

test('an overlong line inside one chunk, between good lines, is dropped alone; byte counts add up', () => {
  const lines: [string, number][] = [];
  const drops: [string, number][] = [];
  const splitter = new LineSplitter(10, 50, { line: (t, n) => lines.push([t, n]), drop: (r, n) => drops.push([r, n]) });
  splitter.feed(bytes(`ok\n${'y'.repeat(30)}\nfine\r\npart`), 0);
  splitter.feed(bytes(`ial\n${'z'.repeat(8)}`), 1);
  splitter.feed(bytes(`${'z'.repeat(8)}\nend\n`), 2); // 16 bytes across two chunks: outgrows the bound
  assert.deepEqual(lines, [['ok', 3], ['fine', 6], ['partial', 8], ['end', 4]]);
  assert.deepEqual(drops, [['too-long', 31], ['too-long', 17]]);
  assert.equal(splitter.pending, false);
});

test('the bound: bytes without a newline never pile up, however many arrive', () => {
  const { splitter, lines, drops } = make(10, 50);
  for (let i = 0; i < 10_000; i++) splitter.feed(bytes('abc'), i * 0.001);
  assert.equal(splitter.pending, true);
  splitter.expire(100);
  assert.deepEqual(drops, ['too-long']);
  assert.equal(splitter.pending, false);
  splitter.feed(bytes('0123456789'), 200); // exactly the limit, still waiting for its newline
  splitter.feed(bytes('\n'), 201);
  assert.deepEqual(lines, ['0123456789']);
});
