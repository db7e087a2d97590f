// The serial line pacer (src/transport/line-pacer.ts): a frame holds the line for its wire time
// and only the latest waiting frame goes out. Pure: time is passed in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinePacer } from '../../../src/transport/line-pacer.js';

const frame = (n: number) => `F${n}`.padEnd(69, '.'); // 70 bytes with its newline

test('at 19200 baud a 70-byte frame holds the line 36.5 ms; a frame offered meanwhile waits for it', () => {
  const pacer = LinePacer.forBaud(19200);
  assert.deepEqual(pacer.offer(frame(1), 0), { write: frame(1), flushAt: null, superseded: false });
  const busy = 70 * (10_000 / 19200);
  const waiting = pacer.offer(frame(2), 20);
  assert.equal(waiting.write, null);
  assert.equal(waiting.flushAt, busy);
  assert.deepEqual(pacer.flush(busy - 1), { write: null, flushAt: busy, superseded: false }, 'an early flush writes nothing');
  assert.equal(pacer.flush(busy).write, frame(2));
});

test('only the latest waiting frame goes out: older ones are superseded, never queued', () => {
  const pacer = LinePacer.forBaud(19200);
  pacer.offer(frame(1), 0);
  assert.equal(pacer.offer(frame(2), 10).superseded, false);
  assert.equal(pacer.offer(frame(3), 20).superseded, true);
  assert.equal(pacer.offer(frame(4), 30).superseded, true);
  assert.equal(pacer.flush(40).write, frame(4));
  assert.equal(pacer.flush(200).write, null, 'nothing left');
});

test('keepalive slower than the line: every frame goes out at once', () => {
  const pacer = LinePacer.forBaud(19200);
  for (let t = 0; t < 1000; t += 50) assert.equal(pacer.offer(frame(t), t).write, frame(t), `frame at ${t} ms`);
});

test('keepalive 10 ms on a 19200-baud line: the line carries one fresh frame per airtime, no backlog', () => {
  const pacer = LinePacer.forBaud(19200);
  const sent: { at: number; frame: string }[] = [];
  let flushAt: number | null = null;
  for (let t = 0; t <= 1000; t += 1) {
    if (t % 10 === 0) {
      const d = pacer.offer(frame(t), t);
      if (d.write) sent.push({ at: t, frame: d.write });
      flushAt = d.flushAt ?? flushAt;
    }
    if (flushAt !== null && t >= flushAt) {
      const d = pacer.flush(t);
      if (d.write) sent.push({ at: t, frame: d.write });
      flushAt = d.flushAt;
    }
  }
  // 1 s of line at 1920 bytes/s carries 27 frames of 70 bytes; every frame is at most 10 ms old
  // when it starts on the wire.
  assert.ok(sent.length >= 25 && sent.length <= 28, `${sent.length} frames in 1 s`);
  for (const s of sent) assert.ok(s.at - Number(s.frame.slice(1, s.frame.indexOf('.'))) <= 10, `frame ${s.frame.slice(0, 6)} sent at ${s.at}`);
});

test('reset forgets a waiting frame and the busy line', () => {
  const pacer = LinePacer.forBaud(9600);
  pacer.offer(frame(1), 0);
  pacer.offer(frame(2), 1);
  pacer.reset();
  assert.equal(pacer.flush(2).write, null);
  assert.equal(pacer.offer(frame(3), 2).write, frame(3));
});
