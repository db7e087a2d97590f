// MainThreadPort (serial-binding.ts) on a real non-blocking descriptor (a FIFO): writes that the
// descriptor cannot take are retried on a timer, never through the poller's "writable" (which
// bindings-cpp's poller never forgets: it would then spin), and reads take what is there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constants, closeSync, mkdtempSync, openSync, readSync, writeSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { MainThreadPort, type UnixPort } from '../../../src/transport/serial-binding.js';
import { ReadGather } from '../../../src/transport/read-gather.js';

function fifo(): { readFd: number; writeFd: number; close(): void } {
  const path = join(mkdtempSync(join(tmpdir(), 'h13i-fifo-')), 'line');
  execFileSync('mkfifo', [path]);
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
  const line = fifo();
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
  const line = fifo();
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
