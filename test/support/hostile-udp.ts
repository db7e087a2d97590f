// What the hostile-UDP e2e test needs besides the lab: a passive capture of real heartbeats in a
// lab namespace (udp-sniffer.ts), a sender of prepared datagrams in a lab namespace
// (udp-sender.ts), the kernel's per-socket drop counter, and the hostile datagrams themselves
// (noise, oversize, garbage, tampered and forged frames). Traffic goes only to lab addresses, from
// inside the lab's namespaces; files go to the lab's directory.
import { createInterface } from 'node:readline';
import { randomBytes, randomInt } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Netns } from '../../scripts/lab/netns.js';
import { DIGITS } from '../../src/protocol/alphabet.js';

const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));

export interface CapturedDatagram {
  source: string;
  payload: Buffer;
}

export interface Sniffer {
  /** Every datagram captured so far, in arrival order. */
  readonly captured: CapturedDatagram[];
  stop(): Promise<void>;
}

/** Captures the UDP datagrams arriving for to:port on dev inside ns, until stop(). */
export function startSniffer(ns: Netns, opts: { dev: string; to: string; port: number }): Sniffer {
  const child = ns.spawn([process.execPath, here('./udp-sniffer.js'), '--dev', opts.dev, '--to', opts.to, '--port', String(opts.port)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const captured: CapturedDatagram[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const [source, hex] = line.split(' ') as [string, string];
    captured.push({ source, payload: Buffer.from(hex ?? '', 'hex') });
  });
  return { captured, stop: () => ns.stop(child) };
}

export interface SendReport {
  sent: number;
  failed: number;
  ms: number;
}

/**
 * Sends `datagrams` from inside ns to to:port (from the address `from` if given), `count` in all
 * (cycling through the list; default once each), and returns the sender's report.
 */
export async function sendDatagrams(
  ns: Netns,
  dir: string,
  datagrams: readonly Buffer[],
  opts: { to: string; port: number; from?: string; count?: number; burst?: number; everyMs?: number },
): Promise<SendReport> {
  const list = join(dir, `datagrams-${randomBytes(4).toString('hex')}.hex`);
  writeFileSync(list, datagrams.map((d) => d.toString('hex') + '\n').join(''));
  const argv = [process.execPath, here('./udp-sender.js'), '--to', opts.to, '--port', String(opts.port), '--file', list];
  if (opts.from) argv.push('--from', opts.from);
  if (opts.count !== undefined) argv.push('--count', String(opts.count));
  if (opts.burst !== undefined) argv.push('--burst', String(opts.burst));
  if (opts.everyMs !== undefined) argv.push('--every-ms', String(opts.everyMs));
  const { stdout } = await ns.exec(argv, { timeoutMs: 120_000 });
  return JSON.parse(stdout) as SendReport;
}

/**
 * Datagrams the kernel dropped for the UDP socket bound to address:port in ns (receive buffer
 * full), from /proc/net/udp's last column: what a flood costs before the daemon sees anything.
 */
export async function kernelSocketDrops(ns: Netns, address: string, port: number): Promise<number> {
  const local = `${Buffer.from(address.split('.').map(Number)).readUInt32LE().toString(16).toUpperCase().padStart(8, '0')}:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const { stdout } = await ns.exec(['cat', '/proc/net/udp']);
  const row = stdout.split('\n').map((l) => l.trim().split(/\s+/)).find((cols) => cols[1] === local);
  if (!row) throw new Error(`no UDP socket bound to ${address}:${port} in ${ns.name}:\n${stdout}`);
  return Number(row.at(-1));
}

// ---- hostile datagrams --------------------------------------------------------------------

const PRINTABLE_FIRST = 0x21;
const PRINTABLE_LAST = 0x7e;

/** Random bytes of the given length with at least one byte a receiver cannot take for text. */
export function binaryNoise(length: number): Buffer {
  const bytes = randomBytes(length);
  bytes[randomInt(length)] = randomInt(2) === 0 ? randomInt(0x00, 0x20) : randomInt(0x7f, 0x100);
  return bytes;
}

/** Printable garbage of the given length that does not start like a frame (magic `T`). */
export function printableGarbage(length: number): Buffer {
  const chars = Array.from({ length }, () => randomInt(PRINTABLE_FIRST, PRINTABLE_LAST + 1));
  if (chars[0] === 'T'.charCodeAt(0)) chars[0] = 'X'.charCodeAt(0);
  return Buffer.from(chars);
}

/** The frame with the character at `index` replaced by another digit of the frame alphabet. */
export function flipCharacter(frame: string, index: number): string {
  const old = frame[index]!;
  const replacement = DIGITS[(DIGITS.indexOf(old) + 1 + randomInt(DIGITS.length - 1)) % DIGITS.length]!;
  return frame.slice(0, index) + replacement + frame.slice(index + 1);
}

/** One character of the tag (the frame's last `tagLength` characters) changed. */
export function tamperTag(frame: string, tagLength: number): string {
  return flipCharacter(frame, frame.length - 1 - randomInt(tagLength));
}

/**
 * A captured frame renumbered: the last digit of its sequence number changed, as an attacker
 * would to slip a replay past the window. The tag no longer covers the body.
 */
export function renumber(frame: string): string {
  const numbers = frame.indexOf(' ', frame.indexOf(' ') + 1) + 1; // generation.seq.ackGeneration.ackSeq
  const seqEnd = frame.indexOf('.', frame.indexOf('.', numbers) + 1);
  return flipCharacter(frame, seqEnd - 1);
}
