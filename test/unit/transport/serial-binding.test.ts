// The serial binding over real file descriptors (FIFOs): end of file (what a hung-up tty reads)
// is a disconnect, "no data yet" waits for the poller, a closed port is "canceled", not a fault;
// a write the descriptor cannot take is retried on a timer, never through the poller's
// "writable" (which bindings-cpp's poller never forgets: it would then spin).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { openSync, closeSync, readSync, writeSync, mkdtempSync, rmSync, constants } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readReportingHangup, MainThreadPort, type PolledPort, type Poller, type UnixPort } from '../../../src/transport/serial-binding.js';
import { ReadGather } from '../../../src/transport/read-gather.js';

function portOn(fd: number | null): PolledPort {
  return { fd, isOpen: fd !== null, read: () => Promise.reject(new Error('not used')) };
}

const neverReadable: Poller = { once: () => undefined };

/** A FIFO opened read-only and non-blocking, as the binding opens a tty. */
function fifo(): { path: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'tb-serial-binding-'));
  const path = join(dir, 'line');
  assert.equal(spawnSync('mkfifo', [path]).status, 0, 'mkfifo');
  return { path, done: () => rmSync(dir, { recursive: true, force: true }) };
}

test('a read of 0 bytes (the other side hung up) rejects as a disconnect instead of retrying', { timeout: 5_000 }, async () => {
  const { path, done } = fifo();
  const reader = openSync(path, 'r+'); // r+: opening does not block waiting for a writer
  const writer = openSync(path, 'w');
  closeSync(reader);
  const rd = openSync(path, 'r'); // a writer exists, so this does not block
  closeSync(writer); // writer gone: every read returns 0 bytes, like a hung-up tty
  try {
    const err = await readReportingHangup(portOn(rd), neverReadable, Buffer.alloc(64), 0, 64).then(
      () => assert.fail('a read at end of file must not succeed'),
      (e: unknown) => e as Error & { disconnect?: boolean; canceled?: boolean },
    );
    assert.equal(err.disconnect, true, 'the stream closes the port on a disconnect error');
    assert.notEqual(err.canceled, true);
  } finally {
    closeSync(rd);
    done();
  }
});

test('no data yet (EAGAIN) waits for the poller, then returns the bytes', async () => {
  const { path, done } = fifo();
  const rw = openSync(path, 'r+'); // keeps a writer: reads say EAGAIN, not end of file
  const nonblocking = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  let waits = 0;
  const poller: Poller = {
    once: (_event, cb) => {
      waits++;
      writeSync(rw, 'beat\n');
      setImmediate(() => cb(null));
    },
  };
  try {
    const { bytesRead, buffer } = await readReportingHangup(portOn(nonblocking), poller, Buffer.alloc(64), 0, 64);
    assert.equal(buffer.subarray(0, bytesRead).toString(), 'beat\n');
    assert.equal(waits, 1, 'waited for readable exactly once');
  } finally {
    closeSync(nonblocking);
    closeSync(rw);
    done();
  }
});

test('a closed port rejects as canceled (the stream waits for the next open, no disconnect)', async () => {
  const err = await readReportingHangup(portOn(null), neverReadable, Buffer.alloc(8), 0, 8).catch((e: unknown) => e as Error & { canceled?: boolean });
  assert.equal((err as { canceled?: boolean }).canceled, true);
});

function fifoPair(): { readFd: number; writeFd: number; close(): void } {
  const path = join(mkdtempSync(join(tmpdir(), 'tb-serial-binding-')), 'line');
  assert.equal(spawnSync('mkfifo', [path]).status, 0, 'mkfifo');
  const readFd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  const writeFd = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
  return { readFd, writeFd, close: () => [readFd, writeFd].forEach((fd) => closeSync(fd)) };
}

function fakePort(fd: number, asked: string[]): UnixPort {
  const notUsed = () => Promise.reject(new Error('not used'));
  return {
    fd,
    isOpen: true,
    openOptions: {} as UnixPort['openOptions'],
    poller: { once: (event: string, cb: (err: Error | null) => void) => { asked.push(event); setTimeout(() => cb(null), 5); } },
    read: notUsed, write: notUsed, close: notUsed, update: notUsed, set: notUsed, get: notUsed, getBaudRate: notUsed, flush: notUsed, drain: notUsed,
  } as unknown as UnixPort;
}

test('a write the descriptor cannot take waits on a timer and completes once the line drains; the poller is never asked for writable', async () => {
  const line = fifoPair();
  try {
    const asked: string[] = [];
    const port = new MainThreadPort(fakePort(line.writeFd, asked), ReadGather.forBaud(19200, 25), 2);
    const filler = Buffer.alloc(4096, 0x41);
    try {
      for (;;) writeSync(line.writeFd, filler);
    } catch (err) {
      assert.equal((err as NodeJS.ErrnoException).code, 'EAGAIN', 'the FIFO is full');
    }
    let done = false;
    const frame = Buffer.from('T1 frame\n', 'latin1');
    const writing = port.write(frame).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(done, false, 'still waiting while the line is full');
    const sink = Buffer.alloc(1 << 20);
    let drained = 0;
    try {
      for (;;) drained += readSync(line.readFd, sink, 0, sink.length, null);
    } catch {
      // EAGAIN: empty
    }
    assert.ok(drained > 0);
    await writing;
    assert.equal(done, true);
    assert.deepEqual(asked, [], 'no poll for writable');
    const got = Buffer.alloc(64);
    assert.equal(readSync(line.readFd, got, 0, 64, null), frame.length, 'the frame arrived whole');
  } finally {
    line.close();
  }
});

test('a read takes what is there; on an empty line it waits for the poller to say readable', async () => {
  const line = fifoPair();
  try {
    const asked: string[] = [];
    const port = new MainThreadPort(fakePort(line.readFd, asked), ReadGather.forBaud(19200, 25), 2);
    const buffer = Buffer.alloc(256);
    const reading = port.read(buffer, 0, buffer.length);
    await new Promise((r) => setTimeout(r, 1));
    writeSync(line.writeFd, 'T1 one\n');
    const { bytesRead } = await reading;
    assert.equal(buffer.toString('latin1', 0, bytesRead), 'T1 one\n');
    assert.ok(asked.every((e) => e === 'readable') && asked.length >= 1, 'EAGAIN first: waited for readable');
  } finally {
    line.close();
  }
});

test('a frame arriving in pieces after one known frame is taken in two reads: its first bytes, then the gathered rest', async () => {
  const line = fifoPair();
  try {
    // 4800 baud: 2.08 ms a byte, so the timings below are far apart against timer granularity.
    const port = new MainThreadPort(fakePort(line.readFd, []), ReadGather.forBaud(4800, 200), 2);
    const buffer = Buffer.alloc(256);
    const frame = 'T1'.padEnd(54, 'x') + '\n'; // 55 bytes
    writeSync(line.writeFd, frame);
    assert.equal((await port.read(buffer, 0, buffer.length)).bytesRead, 55, 'the first frame teaches the length');
    // The next frame: its first 5 bytes now, the body after 50 ms, the newline at 106 ms — one
    // byte time after the 50 bytes' airtime (104 ms), as a paced line's last byte comes late.
    // Aimed at the nominal end, the reader would take the body and then chase the newline.
    writeSync(line.writeFd, frame.slice(0, 5));
    const writer = new Promise<void>((resolve) => {
      setTimeout(() => writeSync(line.writeFd, frame.slice(5, 54)), 50);
      setTimeout(() => (writeSync(line.writeFd, frame.slice(54)), resolve()), 106);
    });
    const reads: string[] = [];
    while (!reads.join('').endsWith('\n') && reads.length < 20) {
      const { bytesRead } = await port.read(buffer, 0, buffer.length);
      reads.push(buffer.toString('latin1', 0, bytesRead));
    }
    await writer;
    assert.equal(reads.join(''), frame, 'the frame arrived whole and in order');
    assert.deepEqual(reads.map((r) => r.length), [5, 50], 'two reads: the first bytes, then the rest after one gathering wait');
  } finally {
    line.close();
  }
});
