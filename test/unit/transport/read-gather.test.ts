// ReadGather: when a serial reader reads next (read-gather.ts). Pure: bytes in, waits out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReadGather, SLACK_BYTES } from '../../../src/transport/read-gather.js';

const bytes = (text: string) => Buffer.from(text, 'latin1');
const frame = (n: number) => `F${n}`.padEnd(54, '.') + '\n'; // 55 bytes with its newline
const MS_PER_BYTE = 10_000 / 19200;

test('no wait before the first frame is known, nor at a line boundary', () => {
  const g = ReadGather.forBaud(19200, 25);
  g.observe(bytes('F1...'), 0, 5);
  assert.equal(g.waitMs(), 0, 'no frame length seen yet: read each piece as it comes');
  g.observe(bytes(frame(1).slice(5)), 0, 50);
  assert.equal(g.waitMs(), 0, 'the line ended: read now (EAGAIN, then wait for poll)');
});

test('a frame that has started is waited for until its expected end plus the slack, then read in one go', () => {
  const g = ReadGather.forBaud(19200, 100);
  const one = bytes(frame(1));
  g.observe(one, 0, one.length);
  g.observe(bytes('F2..'), 0, 4);
  assert.ok(Math.abs(g.waitMs() - (51 + SLACK_BYTES) * MS_PER_BYTE) < 1e-9, '51 bytes to come at 0.52 ms each, and the slack');
  assert.ok(SLACK_BYTES >= 1 && SLACK_BYTES <= 4, 'the slack stays a few bytes: a shorter frame is seen at most that late');
  g.observe(bytes('.'.repeat(40)), 0, 40);
  assert.ok(Math.abs(g.waitMs() - (11 + SLACK_BYTES) * MS_PER_BYTE) < 1e-9);
  g.observe(bytes('.'.repeat(11)), 0, 11);
  assert.ok(Math.abs(g.waitMs() - SLACK_BYTES * MS_PER_BYTE) < 1e-9, 'as long as expected but no newline yet: read again after the slack, not piece by piece');
  g.observe(bytes('.'.repeat(30)), 0, 30);
  assert.ok(Math.abs(g.waitMs() - SLACK_BYTES * MS_PER_BYTE) < 1e-9, 'a line running on (noise) keeps being read every slack, bounded by the splitter');
  g.observe(bytes('\n'), 0, 1);
  assert.equal(g.waitMs(), 0, 'the line ended: read now');
});

test('the longest of the recent frames is expected, so a frame is taken in one wake-up even when lengths vary', () => {
  const g = ReadGather.forBaud(19200, 100);
  const text = 'a'.repeat(59) + '\n' + 'b'.repeat(49) + '\n' + 'c'.repeat(69) + '\n';
  g.observe(bytes(text), 0, text.length);
  g.observe(bytes('d'), 0, 1);
  assert.ok(Math.abs(g.waitMs() - (69 + SLACK_BYTES) * MS_PER_BYTE) < 1e-9, '70-byte line is the longest of three in one read');
  g.reset(); // the 'd' was half a line
  for (const n of [2, 3, 4, 5]) g.observe(bytes(frame(n)), 0, 55);
  g.observe(bytes('F6'), 0, 2);
  assert.ok(Math.abs(g.waitMs() - (53 + SLACK_BYTES) * MS_PER_BYTE) < 1e-9, 'only the last four lengths count: the 70-byte line is forgotten');
});

test('one wait never exceeds the bound, and observe honours the range it is given', () => {
  const g = ReadGather.forBaud(1200, 25); // 8.3 ms a byte
  const buf = bytes('xx' + frame(1) + 'F2');
  g.observe(buf, 2, buf.length);
  assert.equal(g.waitMs(), 25);
  g.reset();
  assert.equal(g.waitMs(), 0, 'after a re-open nothing is half read');
});
