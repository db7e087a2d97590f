// The serial read loop over real file descriptors: end of file (what a hung-up tty reads) is a
// disconnect, "no data yet" waits for the poller, and a closed port is "canceled", not a fault.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { openSync, closeSync, writeSync, mkdtempSync, rmSync, constants } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readReportingHangup, type PolledPort, type Poller } from '../../../src/transport/serial-binding.js';

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
