// Per-group moves with real daemons (issue 15 item 3): `twinbeat move GROUP NODE` hands one group
// over over the wire, survives a restart of the node that made it (state file), `--clear` gives
// it back to the preferred node; racing moves on both nodes end with exactly one holder (the node
// whose name sorts first); refusals name why. Lab: two namespaces, the floating address as probe.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Lab } from '../../scripts/lab/lab.js';
import { rootSkipReason } from '../../scripts/lab/netns.js';
import { sleep } from '../../scripts/lab/process.js';
import { assertStatusJson } from '../support/json-schemas.js';

interface Report {
  peer: { state: string };
  groups: { key: string; move: { node: string; how: string; at: string } | null; why: string }[];
}

async function groupKey(lab: Lab): Promise<string> {
  return ((await lab.status('alpha')) as Report).groups[0]!.key;
}

async function waitPeerAlive(lab: Lab, node: 'alpha' | 'bravo'): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      if (((await lab.status(node)) as Report).peer.state === 'alive') return;
    } catch {
      // not answering yet
    }
    await sleep(200);
  }
  throw new Error(`${node} never saw its peer alive`);
}

test('move GROUP bravo on alpha: bravo takes it, a restart of alpha keeps the move, --clear brings it home', { skip: rootSkipReason }, async (t) => {
  const lab = await Lab.create({ autoFailback: 'on' });
  t.after(() => lab.destroy());
  await lab.startCluster();
  const key = await groupKey(lab);
  const watch = lab.watchHolders();

  const move = await lab.cli('alpha', ['move', key, 'bravo']);
  assert.equal(move.code, 0, move.stderr || move.stdout);
  await lab.waitForHolders(['bravo'], 30_000);
  const alpha = (await lab.status('alpha')) as Report;
  assert.equal(alpha.groups[0]!.move?.node, 'bravo');
  assert.match(alpha.groups[0]!.move!.at, /^\d{4}-\d\d-\d\dT/);
  // The real report with a move and a command naming the group: valid against the shipped schema.
  for (const node of ['alpha', 'bravo'] as const) assertStatusJson((await lab.cli(node, ['status', '--json'])).stdout, `${node} after the move`);
  const human = await lab.cli('alpha', ['status']);
  assert.match(human.stdout, /moved by operator here: to bravo at /);

  await lab.stopDaemon('alpha');
  lab.startDaemon('alpha');
  await waitPeerAlive(lab, 'alpha');
  await sleep(4_000);
  assert.deepEqual(await lab.holders(), ['bravo'], 'the move survived the restart: auto_failback did not pull it back');
  assert.equal(((await lab.status('alpha')) as Report).groups[0]!.move?.node, 'bravo');

  const clear = await lab.cli('alpha', ['move', key, '--clear']);
  assert.equal(clear.code, 0, clear.stderr || clear.stdout);
  await lab.waitForHolders(['alpha'], 30_000);
  assert.equal((await watch.stop()).maxHolders, 1, 'never on both nodes');
});

test('racing moves: move GROUP here on bravo, then on alpha while alpha yields to it, ends on alpha (name order), never on both; refusals say why', { skip: rootSkipReason }, async (t) => {
  const lab = await Lab.create({ autoFailback: 'on' });
  t.after(() => lab.destroy());
  await lab.startCluster();
  const key = await groupKey(lab);
  const watch = lab.watchHolders();
  // bravo's move first: alpha yields to it (one group: a per-group demand is a takeover demand).
  // alpha's move a moment later is newer than that yield and ends it; the two demands overlap and
  // name order decides. (Issued "at once" the order is whatever the sockets make it; this is the
  // order that once left the group on bravo.)
  const b = await lab.cli('bravo', ['move', key, 'bravo']);
  await sleep(300);
  const a = await lab.cli('alpha', ['move', key, 'alpha']);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  await sleep(6_000);
  assert.deepEqual(await lab.holders(), ['alpha']);
  // One group: alpha's per-group demand is also a whole takeover demand, which bravo (second by
  // name) yields to: either way bravo defers to alpha.
  assert.match(((await lab.status('bravo')) as Report).groups[0]!.why, /the peer wins by name order|moved to the peer by its operator/);
  assert.equal((await watch.stop()).maxHolders, 1);

  const unknown = await lab.cli('alpha', ['move', 'IPaddr::10.9.9.9', 'bravo']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /twinbeat move: refused: unknown group "IPaddr::10.9.9.9"/);
  const hostile = await lab.cli('alpha', ['move', `${key}\nforged`, 'bravo']);
  assert.equal(hostile.code, 1);
  assert.match(hostile.stderr, /group must be a resource group name/);
  await lab.stopDaemon('bravo');
  await sleep(1_000);
  const dead = await lab.cli('alpha', ['move', key, 'bravo']);
  assert.equal(dead.code, 1);
  assert.match(dead.stderr, /bravo is not alive: it could not take/);
});
