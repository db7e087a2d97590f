// Throws 100,000+ hostile lines at the decoder: random bytes, truncations, bit flips, splices,
// respelt or reordered claim sets, replays and frames signed with the wrong key. Nothing but unmodified genuine frames may be
// accepted, replays must be caught by the window, and nothing may throw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFrame, encodeFrame } from '../../../src/protocol/frame.js';
import { ReplayWindow } from '../../../src/protocol/replay.js';
import { DropCounters } from '../../../src/protocol/drops.js';
import type { AuthConfig } from '../../../src/config/types.js';
import { ALICE, BOB, allGroups, ctxFor, status } from './fixtures.js';
import { mulberry32 } from '../../support/prng.js';

const receiverAuth: AuthConfig = { signIndex: 1, keys: [{ index: 1, method: 'sha256', key: 'shared-1' }, { index: 2, method: 'md5', key: 'shared-2' }] };
const forgerAuth: AuthConfig = { signIndex: 1, keys: [{ index: 1, method: 'sha256', key: 'guessed' }] };

test('100,000+ hostile frames: none accepted, none throws', () => {
  const rand = mulberry32(0xbeef);
  const int = (n: number) => Math.floor(rand() * n);
  const sender = ctxFor(ALICE, receiverAuth);
  const receiver = ctxFor(BOB, receiverAuth);
  const window = new ReplayWindow();
  const drops = new DropCounters();
  const genuine: string[] = [];
  let seq = 0;
  let acceptedGenuine = 0;
  const N = 110_000;

  const freshGenuine = (): string => {
    // Claim sets of 1 to 32 groups: frames of every length the variable-width claims produce.
    const all = allGroups(1 + int(32));
    const claims = { holds: int(all + 1), wants: int(all + 1), grants: int(all + 1) };
    const frame = encodeFrame(status({ seq: ++seq, claims, role: 'active' }), sender);
    genuine.push(frame);
    if (genuine.length > 50) genuine.shift();
    return frame;
  };
  const mutate = (frame: string): string => {
    const chars = [...frame];
    switch (int(6)) {
      case 0: // bit flip
        for (let k = 1 + int(3); k > 0; k--) {
          const i = int(chars.length);
          chars[i] = String.fromCharCode(chars[i]!.charCodeAt(0) ^ (1 << int(7)));
        }
        return chars.join('');
      case 1: // truncate
        return frame.slice(0, int(frame.length));
      case 2: // random garbage of frame-like length
        return Array.from({ length: int(120) }, () => String.fromCharCode(int(256))).join('');
      case 3: // splice two genuine frames
        return frame.slice(0, int(frame.length)) + (genuine[int(genuine.length)] ?? '').slice(int(60));
      case 4: { // respell or reorder the claim sets: same digits, other meaning or other spelling
        const fields = frame.split(' ');
        const sets = fields[3]!.split('.');
        if (int(2) === 0) sets[int(3)] = '0' + sets[int(3)];
        else sets.push(sets.shift()!);
        fields[3] = sets.join('.');
        return fields.join(' ');
      }
      default: // change one character to another alphabet character
        chars[int(chars.length)] = 'aZ0_-.T1 '[int(9)]!;
        return chars.join('');
    }
  };

  for (let i = 0; i < N; i++) {
    const kind = int(10);
    let line: string;
    let mayAccept = false;
    if (kind === 0) {
      line = freshGenuine();
      mayAccept = true;
    } else if (kind === 1) {
      line = genuine[int(genuine.length)] ?? freshGenuine(); // replay (or first genuine)
      mayAccept = line === genuine[genuine.length - 1];
    } else if (kind === 2) {
      line = encodeFrame(status({ seq: seq + 1 + int(10) }), ctxFor(ALICE, forgerAuth)); // forged
    } else {
      line = mutate(genuine[int(genuine.length)] ?? freshGenuine());
      if (genuine.includes(line)) mayAccept = true; // mutation happened to change nothing
    }
    let result;
    try {
      result = decodeFrame(line, receiver);
    } catch (err) {
      assert.fail(`decodeFrame threw on ${JSON.stringify(line)}: ${String(err)}`);
    }
    if (!result.ok) {
      drops.count(result.reason);
      continue;
    }
    assert.ok(mayAccept || genuine.includes(line), `accepted a non-genuine line ${JSON.stringify(line)}`);
    const verdict = window.check(result.message.generation, result.message.seq);
    if (verdict.ok) acceptedGenuine++;
    else drops.count(verdict.reason);
  }
  // Every genuine frame passes the window exactly once.
  assert.equal(acceptedGenuine, seq);
  const counts = drops.snapshot();
  assert.ok(counts['bad-mac'] > 1000, 'forgeries and flips were caught by the tag');
  assert.ok(counts.replay > 1000, 'replays were caught by the window');
  assert.ok(counts.malformed > 1000);
  assert.equal(drops.total() + acceptedGenuine, N);
});
