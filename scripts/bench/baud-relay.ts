// A serial line between two ptys. With --baud N it forwards bytes each way at most N/10 bytes per
// second (8N1: start + 8 data + stop bits), the way a UART clocks them out: a 19200-baud cable
// takes 0.52 ms per byte, so an 80-byte heartbeat needs 42 ms to arrive, and a sender that writes
// faster than the line fills the transmit buffer until it overruns (bytes beyond `--buffer` are
// dropped and counted). With --baud 0 it forwards at once (an unthrottled cable).
//
// SIGUSR1 cuts the line (bytes are read and discarded, as when the far end has no power),
// SIGUSR2 joins it again. Both ttys stay open throughout: a powered-off peer does not make a
// real serial port vanish, it just goes quiet.
//
//   node dist/scripts/bench/baud-relay.js --a PTY --b PTY [--baud 19200] [--buffer 4096] [--stats FILE]
//
// Prints `relaying` on stderr once both ends are open; writes {aToB, bToA, dropped} byte counts to
// --stats every second and on SIGTERM.
import { renameSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SerialPort } from 'serialport';
import { PacedDirection, type RelayStats } from './paced-line.js';

const BITS_PER_BYTE = 10;
/** Pacing tick: small enough that a byte's arrival jitters by at most ~2 ms. */
const TICK_MS = 2;

function openPort(path: string): Promise<SerialPort> {
  return new Promise((resolve, reject) => {
    const port = new SerialPort({ path, baudRate: 19200, autoOpen: false });
    port.open((err) => (err ? reject(err) : resolve(port)));
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      a: { type: 'string' },
      b: { type: 'string' },
      baud: { type: 'string', default: '19200' },
      buffer: { type: 'string', default: '4096' },
      stats: { type: 'string' },
    },
  });
  const baud = Number(values.baud);
  const bufferBytes = Number(values.buffer);
  if (!values.a || !values.b || !(baud >= 0) || !(bufferBytes > 0)) {
    process.stderr.write('usage: baud-relay --a PTY --b PTY [--baud 19200] [--buffer 4096] [--stats FILE]\n');
    process.exit(2);
  }
  const [portA, portB] = await Promise.all([openPort(values.a), openPort(values.b)]);
  const bytesPerMs = baud === 0 ? Infinity : baud / BITS_PER_BYTE / 1000;
  const aToB = new PacedDirection(bytesPerMs, bufferBytes, (chunk) => portB.write(chunk));
  const bToA = new PacedDirection(bytesPerMs, bufferBytes, (chunk) => portA.write(chunk));
  portA.on('data', (d: Buffer) => aToB.push(d));
  portB.on('data', (d: Buffer) => bToA.push(d));
  // An end vanishing (socat stopped) ends the cable; whoever stopped it restarts all of it.
  for (const port of [portA, portB]) port.on('close', () => finish(0));
  for (const port of [portA, portB]) port.on('error', () => finish(1));

  let last = performance.now();
  const tick = setInterval(() => {
    const now = performance.now();
    aToB.drain(now - last);
    bToA.drain(now - last);
    last = now;
  }, TICK_MS);

  const stats = (): RelayStats => ({ aToB: aToB.forwarded, bToA: bToA.forwarded, dropped: aToB.dropped + bToA.dropped });
  const writeStats = (): void => {
    if (!values.stats) return;
    // Atomically: the bench reads the file at any moment, and a half-written one is no JSON.
    writeFileSync(`${values.stats}.tmp`, JSON.stringify(stats()));
    renameSync(`${values.stats}.tmp`, values.stats);
  };
  const statsTimer = setInterval(writeStats, 1_000);
  let finished = false;
  function finish(code: number): void {
    if (finished) return;
    finished = true;
    clearInterval(tick);
    clearInterval(statsTimer);
    writeStats();
    process.exit(code);
  }
  process.on('SIGTERM', () => finish(0));
  process.on('SIGINT', () => finish(0));
  for (const [signal, cut] of [['SIGUSR1', true], ['SIGUSR2', false]] as const) {
    process.on(signal, () => {
      aToB.setCut(cut);
      bToA.setCut(cut);
    });
  }
  process.stderr.write('relaying\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`baud-relay: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
