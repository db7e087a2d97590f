// Serial links over a socat pty pair (a null-modem cable in software; no root needed), and the
// cable-pulled-and-plugged-back recovery the daemon relies on.
// Touches only the socat processes, ptys and temp directories it creates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialLink } from '../../src/transport/serial.js';
import type { LinkLog } from '../../src/transport/log.js';
import type { LinkEvent } from '../../src/transport/link.js';
import { socatPtyPair } from '../../scripts/lab/netns.js';
import { missingSkipReason } from '../../scripts/lab/requirements.js';
import { waitFor } from '../../scripts/lab/process.js';
import { linkContract } from './link.contract.js';

const noSocat = missingSkipReason(['socat']);

function recordingLog(): LinkLog & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (event, msg) => lines.push(`info ${event} ${msg}`), warn: (event, msg) => lines.push(`warn ${event} ${msg}`) };
}

const now = () => performance.now();

linkContract(
  'serial over socat ptys',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tb3-serial-'));
    const cable = await socatPtyPair(join(dir, 'A'), join(dir, 'B'));
    const a = new SerialLink({ device: cable.pathA, baud: 19200 }, { now, log: recordingLog() });
    const b = new SerialLink({ device: cable.pathB, baud: 19200 }, { now, log: recordingLog() });
    await Promise.all([a.open(), b.open()]);
    // A second opener of A's pty writes straight onto the cable, bypassing link a's screening.
    const raw = openSync(cable.pathA, 'w');
    return {
      a,
      b,
      injectToB: async (bytes) => void writeSync(raw, Buffer.concat([bytes, Buffer.from('\n')])),
      cleanup: async () => {
        closeSync(raw);
        await cable.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
  { skip: noSocat },
);


test('serial: a partial line is dropped after the inter-byte timeout', { skip: noSocat }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tb3-serial-'));
  const cable = await socatPtyPair(join(dir, 'A'), join(dir, 'B'));
  const b = new SerialLink({ device: cable.pathB, baud: 19200 }, { now, log: recordingLog() });
  const frames: string[] = [];
  b.onEvent((e) => e.kind === 'frame' && frames.push(e.frame));
  const raw = openSync(cable.pathA, 'w');
  try {
    await b.open();
    writeSync(raw, 'T11A1 half-a-fra');
    await waitFor('partial-line drop', () => (b.stats().drops['partial-line'] ?? 0) === 1, 3_000);
    writeSync(raw, 'whole\n');
    await waitFor('next frame', () => frames.length === 1, 3_000);
    assert.deepEqual(frames, ['whole'], 'the stale half was not glued to the next line');
  } finally {
    closeSync(raw);
    await b.close();
    await cable.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('serial: device vanishes and returns — one down, one up, frames flow within 1 s, few log lines', { skip: noSocat }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tb3-serial-'));
  const cable = await socatPtyPair(join(dir, 'A'), join(dir, 'B'));
  const logA = recordingLog();
  const logB = recordingLog();
  const a = new SerialLink({ device: cable.pathA, baud: 19200 }, { now, log: logA });
  const b = new SerialLink({ device: cable.pathB, baud: 19200 }, { now, log: logB });
  const eventsB: LinkEvent[] = [];
  b.onEvent((e) => eventsB.push(e));
  const framesB = () => eventsB.filter((e) => e.kind === 'frame').length;
  const mediumB = () => eventsB.filter((e) => e.kind === 'medium') as Extract<LinkEvent, { kind: 'medium' }>[];
  // A heartbeat every 20 ms from a, as the daemon would send.
  const beat = setInterval(() => a.send(`beat ${performance.now().toFixed(0)}`), 20);
  try {
    await Promise.all([a.open(), b.open()]);
    await waitFor('first beats', () => framesB() > 3, 3_000);

    // Count only what happens from the cut on: a slow first open may already have reported the
    // medium once, and that is not what this test is about.
    const earlier = mediumB().length;
    const sinceCut = () => mediumB().slice(earlier);
    await cable.stop(); // kill socat by PID: both ptys vanish
    await waitFor('medium down', () => sinceCut().length === 1, 3_000);
    assert.equal(sinceCut()[0]!.up, false);
    const cpuBefore = process.cpuUsage();
    await new Promise((r) => setTimeout(r, 1_500)); // a long outage: the backoff reaches its cap
    assert.equal(sinceCut().length, 1, 'down is reported once, not per re-open attempt');
    // A hung-up tty reads 0 bytes at once, forever; a read loop that retries on 0 burns a core
    // (serial-binding.ts). CPU time, not wall time: a busy machine does not make this fail.
    const cpu = process.cpuUsage(cpuBefore);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    assert.ok(cpuMs < 500, `the outage cost ${cpuMs.toFixed(0)} ms of CPU in 1.5 s: something spins on the dead line`);

    const before = framesB();
    const restartedAt = performance.now();
    await cable.restart();
    await waitFor('frames after restart', () => framesB() > before, 5_000, 5);
    const recoveryMs = performance.now() - restartedAt;
    console.log(`# serial recovery: first frame ${recoveryMs.toFixed(0)} ms after socat restart`);
    assert.ok(recoveryMs < 1_000, `recovered in ${recoveryMs.toFixed(0)} ms (must be within 1 s of the device returning)`);
    await waitFor('medium up', () => sinceCut().length === 2, 2_000);
    assert.equal(sinceCut()[1]!.up, true);
    const lines = [...logA.lines, ...logB.lines];
    assert.ok(logB.lines.length <= 5 && logA.lines.length <= 5, `log lines per link: ${lines.join(' | ')}`);
    console.log(`# serial outage log lines: ${lines.length} (a ${logA.lines.length}, b ${logB.lines.length})`);
  } finally {
    clearInterval(beat);
    await Promise.allSettled([a.close(), b.close()]);
    await cable.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('serial: a burst faster than the baud collapses to the newest frame, paced by the line', { skip: noSocat }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tb3-serial-'));
  const cable = await socatPtyPair(join(dir, 'A'), join(dir, 'B'));
  // 2400 baud: a 60-byte frame holds the line 250 ms, far longer than the burst takes to send.
  const a = new SerialLink({ device: cable.pathA, baud: 2400 }, { now, log: recordingLog() });
  const b = new SerialLink({ device: cable.pathB, baud: 2400 }, { now, log: recordingLog() });
  const arrivals: { frame: string; at: number }[] = [];
  b.onEvent((e) => e.kind === 'frame' && arrivals.push({ frame: e.frame, at: e.at }));
  try {
    await Promise.all([a.open(), b.open()]);
    const frame = (n: number) => `burst-${n} `.padEnd(59, 'x');
    const t0 = now();
    for (let n = 1; n <= 10; n++) a.send(frame(n));
    await waitFor('the newest frame', () => arrivals.some((x) => x.frame === frame(10)), 3_000);
    await new Promise((r) => setTimeout(r, 400));
    assert.deepEqual(arrivals.map((x) => x.frame), [frame(1), frame(10)], 'the first goes at once; 2..9 were replaced while the line was busy');
    assert.equal(a.stats().drops.superseded, 8);
    assert.ok(arrivals[1]!.at - t0 >= 240, `the second frame waited for the first one's 250 ms on the wire (${Math.round(arrivals[1]!.at - t0)} ms)`);
  } finally {
    await Promise.allSettled([a.close(), b.close()]);
    await cable.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
