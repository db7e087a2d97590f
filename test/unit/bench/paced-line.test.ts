// The bench's paced serial line (scripts/bench/paced-line.ts): frames take their time at the
// baud rate, arrive in order, and a writer faster than the line is dropped and counted.
// Pure: in-process timing only, touches no file or device.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PacedDirection } from '../../../scripts/bench/paced-line.js';

const BYTES_PER_MS_19200 = 19200 / 10 / 1000;

function line(bufferBytes = 4096, bytesPerMs = BYTES_PER_MS_19200): { dir: PacedDirection; out: Buffer[] } {
  const out: Buffer[] = [];
  return { dir: new PacedDirection(bytesPerMs, bufferBytes, (c) => out.push(c)), out };
}

test('an 80-byte frame needs about 42 ms at 19200 baud', () => {
  const { dir, out } = line();
  dir.push(Buffer.alloc(80, 0x41));
  let ms = 0;
  while (Buffer.concat(out).length < 80) {
    dir.drain(2);
    ms += 2;
  }
  assert.ok(ms >= 41 && ms <= 44, `took ${ms} ms`);
  assert.equal(dir.forwarded, 80);
});

test('bytes arrive in order and unchanged', () => {
  const { dir, out } = line();
  const data = Buffer.from('T11A1 alpha hello\nT11A1 alpha again\n');
  dir.push(data.subarray(0, 10));
  dir.push(data.subarray(10));
  for (let i = 0; i < 100; i++) dir.drain(2);
  assert.deepEqual(Buffer.concat(out), data);
});

test('an idle line saves no credit: a frame after a pause is still paced', () => {
  const { dir, out } = line();
  dir.drain(10_000);
  dir.push(Buffer.alloc(80));
  dir.drain(2);
  assert.ok(Buffer.concat(out).length <= 4, `sent ${Buffer.concat(out).length} bytes in 2 ms`);
});

test('a writer faster than the line overruns the buffer: the excess is dropped and counted', () => {
  const { dir } = line(100);
  dir.push(Buffer.alloc(70));
  dir.push(Buffer.alloc(70));
  assert.equal(dir.dropped, 40);
});

test('cutting the line forgets what was in flight and carries nothing until joined', () => {
  const { dir, out } = line();
  dir.push(Buffer.alloc(80));
  dir.setCut(true);
  dir.push(Buffer.alloc(80));
  for (let i = 0; i < 50; i++) dir.drain(2);
  assert.equal(Buffer.concat(out).length, 0);
  dir.setCut(false);
  dir.push(Buffer.from('x'));
  for (let i = 0; i < 5; i++) dir.drain(2);
  assert.equal(Buffer.concat(out).toString(), 'x');
});

test('an unthrottled line forwards at once', () => {
  const { dir, out } = line(4096, Infinity);
  dir.push(Buffer.alloc(5000));
  assert.equal(Buffer.concat(out).length, 5000);
});
