// The one contract every Link implementation must keep, run against memory, UDP (loopback and
// between network namespaces) and serial (socat pty pair). A factory makes a connected, opened
// pair plus a way to put raw bytes on the medium towards `b`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Link, LinkEvent } from '../../src/transport/link.js';
import { MAX_FRAME_BYTES } from '../../src/protocol/frame.js';
import { waitFor } from '../../scripts/lab/process.js';

export interface ConnectedPair {
  a: Link;
  b: Link;
  /** Puts one raw unit on the medium towards b: a datagram, or these bytes + '\n' on a serial line. */
  injectToB(raw: Buffer): Promise<void>;
  /** Releases everything the factory made (links are closed by the suite already). */
  cleanup(): Promise<void>;
}

export interface ContractOptions {
  skip?: string | false;
  /** How long to wait for traffic; generous by default for loaded CI machines. */
  timeoutMs?: number;
}

function collect(link: Link): { frames: string[]; medium: LinkEvent[] } {
  const seen = { frames: [] as string[], medium: [] as LinkEvent[] };
  link.onEvent((e) => (e.kind === 'frame' ? seen.frames.push(e.frame) : seen.medium.push(e)));
  return seen;
}


/** Frames of varied length and content, all valid printable single lines. */
function sampleFrames(count: number, tag: string): string[] {
  return Array.from({ length: count }, (_, i) => `${tag}${i} ` + '~!az09 '.repeat(i % 20).slice(0, MAX_FRAME_BYTES - 10));
}

export function linkContract(label: string, makePair: () => Promise<ConnectedPair>, options: ContractOptions = {}): void {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const withPair = (name: string, body: (pair: ConnectedPair) => Promise<void>) =>
    test(`${label}: ${name}`, { skip: options.skip ?? false }, async () => {
      const pair = await makePair();
      try {
        await body(pair);
      } finally {
        await Promise.allSettled([pair.a.close(), pair.b.close()]);
        await pair.cleanup();
      }
    });

  withPair('frames arrive intact and in order, both ways, and are counted', async ({ a, b }) => {
    const atA = collect(a);
    const atB = collect(b);
    // As the daemon loop does once a frame passes the codec: b accepts every other frame, so
    // its inter-arrival statistics cover those 20 only.
    let n = 0;
    b.onEvent((e) => e.kind === 'frame' && n++ % 2 === 0 && b.frameAccepted(e.at));
    const toB = sampleFrames(40, 'ab');
    const toA = sampleFrames(40, 'ba');
    // One frame at a time each way: a serial link never queues heartbeats (a newer frame
    // replaces one still waiting for the line, see line-pacer.ts and the test below).
    for (let sent = 0; sent < 40; sent += 1) {
      a.send(toB[sent]!);
      b.send(toA[sent]!);
      await waitFor(`${sent + 1} frames each way`, () => atB.frames.length >= sent + 1 && atA.frames.length >= sent + 1, timeoutMs);
    }
    assert.deepEqual(atB.frames, toB);
    assert.deepEqual(atA.frames, toA);
    const bytes = toB.reduce((sum, f) => sum + f.length, 0);
    // Statistics may trail the frames by a moment when the link lives in another process.
    await waitFor('send and receive counters', () => a.stats().framesSent === 40 && b.stats().framesReceived === 40, timeoutMs);
    const sa = a.stats();
    const sb = b.stats();
    assert.ok(sa.bytesSent >= bytes && sa.bytesSent <= bytes + 40, `bytesSent ${sa.bytesSent} for ${bytes} bytes of frames`);
    assert.notEqual(sb.lastHeardAt, null);
    await waitFor('inter-arrival statistics', () => b.stats().interArrival.count === 19, timeoutMs);
    assert.equal(b.stats().interArrival.count, 19, 'only accepted frames count');
    assert.ok(sb.interArrival.max >= sb.interArrival.p99 && sb.interArrival.p99 >= 0);
    // Broadcast comes back to its sender: our own frames are the only acceptable drops.
    const { 'own-frame': _own, ...otherDrops } = sb.drops;
    assert.deepEqual(otherDrops, {});
    if (sb.drops['own-frame']) assert.ok(sb.bytesReceived > sa.bytesSent);
    else assert.equal(sb.bytesReceived, sa.bytesSent);
    assert.deepEqual([...atA.medium, ...atB.medium], []);
  });

  withPair('oversize and noise are dropped and counted, good frames still pass', async ({ a, b, injectToB }) => {
    const atB = collect(b);
    await injectToB(Buffer.from('x'.repeat(MAX_FRAME_BYTES + 50)));
    await injectToB(Buffer.from([0x54, 0x31, 0x00, 0xff, 0x07, 0x41]));
    await waitFor('both drops counted', () => (b.stats().drops['too-long'] ?? 0) >= 1 && (b.stats().drops['line-noise'] ?? 0) >= 1, timeoutMs);
    a.send('still-fine');
    await waitFor('the good frame', () => atB.frames.length >= 1, timeoutMs);
    assert.deepEqual(atB.frames, ['still-fine']);
    assert.equal(b.stats().drops['too-long'], 1);
    assert.equal(b.stats().drops['line-noise'], 1);
  });

  withPair('a frame no receiver would take is refused at send and counted', async ({ a, b }) => {
    const atB = collect(b);
    a.send('y'.repeat(MAX_FRAME_BYTES + 1));
    a.send('two\nlines');
    a.send('marker');
    await waitFor('the marker', () => atB.frames.length >= 1, timeoutMs);
    assert.deepEqual(atB.frames, ['marker']);
    await waitFor('sender counters', () => a.stats().framesSent === 1, timeoutMs);
    assert.equal(a.stats().drops['send-refused'], 2);
  });

  withPair('close is clean: idempotent, silent afterwards, send never throws', async ({ a, b }) => {
    const atB = collect(b);
    await a.close();
    await a.close();
    await b.close();
    assert.doesNotThrow(() => a.send('after close'));
    assert.doesNotThrow(() => b.send('after close'));
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(atB.frames, []);
    assert.deepEqual(atB.medium, [], 'closing is not a medium failure');
  });
}
