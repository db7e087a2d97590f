// TransitionTracker: which state a group and the node are in for a notifier, and which changes are
// reported (once each, groups before the node, with keepalived's priority and the reason). Pure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TransitionTracker, groupNotifyState, nodeNotifyState, OWNER_PRIORITY, DEFAULT_PRIORITY } from '../../../src/core/transitions.js';
import { newGroupRuntime, type GroupRuntime } from '../../../src/core/group-state.js';

const group = (key: string, owner: string): GroupRuntime => newGroupRuntime({ index: 0, key, owner, resources: [{ id: key }] });
const brief = (ts: ReturnType<TransitionTracker['observe']>) => ts.map((t) => `${t.type} ${t.name} ${t.previous ?? 'init'}->${t.state}`);

test('group states: running is master, stopped backup, failed or stop-failed fault, stopped while leaving stop; moving keeps the last', () => {
  const g = group('ip', 'a');
  assert.equal(groupNotifyState(g, false), 'backup');
  g.phase = 'starting';
  assert.equal(groupNotifyState(g, false), null);
  g.phase = 'running';
  assert.equal(groupNotifyState(g, false), 'master');
  assert.equal(groupNotifyState(g, true), 'master', 'still master while a graceful stop has not reached it');
  g.phase = 'stop-failed';
  assert.equal(groupNotifyState(g, true), 'fault');
  g.phase = 'stopped';
  g.failedHere = true;
  assert.equal(groupNotifyState(g, false), 'fault');
  assert.equal(groupNotifyState(g, true), 'stop');
  assert.equal(nodeNotifyState(['backup', 'master'], false), 'master');
  assert.equal(nodeNotifyState(['fault', 'master'], true), 'fault');
  assert.equal(nodeNotifyState(['stop', 'stop'], true), 'stop');
  assert.equal(nodeNotifyState(['stop', 'backup'], true), 'backup');
  assert.equal(nodeNotifyState([], false), 'backup');
  assert.equal(nodeNotifyState([], true), 'stop', 'a node without groups stops too');
});

test('each change is reported once, groups before the node, with environment for scripts', () => {
  const t = new TransitionTracker();
  const ip = group('ip', 'a');
  const db = group('db', 'b');
  assert.deepEqual(brief(t.observe('a', [ip, db], false)), ['group ip init->backup', 'group db init->backup', 'node a init->backup']);
  assert.deepEqual(t.observe('a', [ip, db], false), [], 'nothing changed');
  ip.phase = 'starting';
  assert.deepEqual(t.observe('a', [ip, db], false), [], 'a start in progress is no change yet');
  ip.phase = 'running';
  ip.why = 'b is dead';
  const changes = t.observe('a', [ip, db], false);
  assert.deepEqual(brief(changes), ['group ip backup->master', 'node a backup->master']);
  assert.deepEqual(changes[0]!.env, {
    TWINBEAT_TYPE: 'group', TWINBEAT_NAME: 'ip', TWINBEAT_GROUP: 'ip', TWINBEAT_STATE: 'MASTER', TWINBEAT_PREVIOUS_STATE: 'BACKUP',
    TWINBEAT_PRIORITY: String(OWNER_PRIORITY), TWINBEAT_REASON: 'b is dead',
  });
  assert.equal(changes[0]!.key, 'group:ip');
  assert.equal(changes[1]!.env['TWINBEAT_REASON'], 'group ip master');
  assert.equal(changes[1]!.key, 'node:a');
  db.phase = 'running';
  assert.deepEqual(brief(t.observe('a', [ip, db], false)), ['group db backup->master'], 'the node was master already');
  const fresh = new TransitionTracker().observe('a', [db], false);
  assert.equal(fresh[0]!.env['TWINBEAT_PRIORITY'], String(DEFAULT_PRIORITY), 'a group owned by the peer');
  assert.equal(fresh[1]!.env['TWINBEAT_PRIORITY'], String(DEFAULT_PRIORITY), 'a node that owns no group');
});

test('a graceful stop reports stop per group as each one stops, then the node', () => {
  const t = new TransitionTracker();
  const ip = group('ip', 'a');
  const db = group('db', 'a');
  ip.phase = 'running';
  db.phase = 'running';
  t.observe('a', [ip, db], false);
  db.phase = 'stopped';
  assert.deepEqual(brief(t.observe('a', [ip, db], true)), ['group db master->stop']);
  ip.phase = 'stopped';
  const last = t.observe('a', [ip, db], true);
  assert.deepEqual(brief(last), ['group ip master->stop', 'node a master->stop']);
  assert.equal(last[0]!.env['TWINBEAT_REASON'], 'graceful stop');
});
