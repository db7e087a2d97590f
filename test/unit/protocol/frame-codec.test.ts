// FrameCodec (src/protocol/frame-codec.ts): replay windows per link, authentication before the
// window, own frames, key changes on reload. Pure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameCodec } from '../../../src/protocol/frame-codec.js';
import { ALICE, BOB, ctxFor, status } from './fixtures.js';

test('replays are caught per link; the same frame on another link is accepted', () => {
  const sender = new FrameCodec(ctxFor(ALICE));
  const receiver = new FrameCodec(ctxFor(BOB));
  const frame = sender.encode(status({ seq: 10 }));
  assert.equal(receiver.decode(frame, 'udp').ok, true);
  assert.deepEqual(receiver.decode(frame, 'udp'), { ok: false, reason: 'replay' });
  assert.equal(receiver.decode(frame, 'serial').ok, true, 'each medium carries its own copy');
  assert.deepEqual(receiver.decode(sender.encode(status({ generation: 41, seq: 99 })), 'udp'), { ok: false, reason: 'old-generation' });
  assert.deepEqual(receiver.decode('garbage', 'udp'), { ok: false, reason: 'malformed' });
});

test('authentication comes before the window: a forgery is bad-mac and does not move it; own frames are dropped', () => {
  const sender = new FrameCodec(ctxFor(ALICE));
  const receiver = new FrameCodec(ctxFor(BOB));
  const genuine = sender.encode(status({ seq: 2 }));
  const forged = genuine.slice(0, -1) + (genuine.endsWith('x') ? 'y' : 'x');
  assert.deepEqual(receiver.decode(forged, 'udp'), { ok: false, reason: 'bad-mac' });
  assert.equal(receiver.decode(genuine, 'udp').ok, true, 'the forgery did not advance the window');
  assert.deepEqual(receiver.decode(receiver.encode(status({ from: BOB, seq: 9 })), 'udp'), { ok: false, reason: 'own-frame' });
});

test('setConfig swaps keys but keeps the replay windows', () => {
  const receiver = new FrameCodec(ctxFor(BOB));
  const frame = new FrameCodec(ctxFor(ALICE)).encode(status({ seq: 5 }));
  assert.equal(receiver.decode(frame, 'udp').ok, true);
  const newKey = { index: 2, method: 'sha256' as const, key: 'rolled' };
  const rolledEarly = new FrameCodec({ ...ctxFor(ALICE), auth: { signIndex: 2, keys: [newKey] } }).encode(status({ seq: 6 }));
  assert.deepEqual(receiver.decode(rolledEarly, 'udp'), { ok: false, reason: 'unknown-key' }, 'a key not yet listed');
  receiver.setConfig({ self: BOB, nodes: [ALICE, BOB], auth: { signIndex: 2, keys: [...ctxFor(BOB).auth.keys, newKey] } });
  assert.deepEqual(receiver.decode(frame, 'udp'), { ok: false, reason: 'replay' });
  const rolled = new FrameCodec({ ...ctxFor(ALICE), auth: { signIndex: 2, keys: [newKey] } }).encode(status({ seq: 6 }));
  assert.equal(receiver.decode(rolled, 'udp').ok, true);
});

