// The lab's generated node configs are valid twinbeat/Heartbeat configs, and the probe's summary
// finds the outage and the switch-overs in a list of answers.
// Writes only temp directories it creates; no namespace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authkeys, defaultHaresources, haCf, NODES, type NodePaths } from '../../../scripts/lab/lab-config.js';
import { summarize, type Answer } from '../../../scripts/lab/probe-report.js';
import { loadConfig } from '../../../src/config/load.js';
import { scriptChecks } from '../../../src/resources/locate.js';

test('lab configs load cleanly for both nodes with every option switched on', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'tb5-cfg-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  for (const node of NODES) {
    const dir = join(root, node);
    await mkdir(dir);
    const paths: NodePaths = {
      configDir: dir,
      tty: join(root, node === 'alpha' ? 'ttyA' : 'ttyB'),
      logfile: join(dir, 'ha-log'),
      controlSocket: join(dir, 'control.sock'),
      stateFile: join(dir, 'state.ini'),
      pidFile: join(dir, 'twinbeat.pid'),
    };
    const extraHaCf = ['tb_monitor Dummy::svc interval=1s failures=2'];
    await writeFile(join(dir, 'ha.cf'), haCf(node, paths, { ping: true, metrics: true, autoFailback: 'off', keepalive: '100ms', deadtime: '1', warntime: '500ms', initdead: '2', extraHaCf }));
    await writeFile(join(dir, 'haresources'), defaultHaresources(['Dummy::svc']));
    await writeFile(join(dir, 'authkeys'), authkeys('ab'.repeat(32)), { mode: 0o600 });
    const result = await loadConfig(dir, node, { scripts: scriptChecks(dir) });
    assert.ok(result.ok, JSON.stringify(result.ok ? null : result.errors));
    const { config } = result;
    assert.equal(config.self, node);
    assert.equal(config.peer, node === 'alpha' ? 'bravo' : 'alpha');
    assert.equal(config.keepaliveMs, 100);
    assert.equal(config.autoFailback, 'off');
    assert.deepEqual(config.media.map((m) => m.kind).sort(), ['serial', 'ucast']);
    assert.equal(config.ext.controlSocket, paths.controlSocket);
    assert.equal(config.groups[0]?.owner, 'alpha');
    assert.deepEqual(config.groups[0]?.resources.map((r) => r.id), ['IPaddr::10.77.0.100/24/eth0', 'Dummy::svc']);
    assert.equal(config.ext.metricsPort, 9464);
    assert.equal(config.ext.monitors['Dummy::svc']?.intervalMs, 1000);
  }
});

test('probe summary: longest gap, switch-overs, per-node counts, silence at the end', () => {
  const answers: Answer[] = [
    [10, 0, 'alpha'],
    [20, 1, 'alpha'],
    [30, 2, 'alpha'],
    [530, 52, 'bravo'], // 500 ms outage while the IP moved
    [540, 53, 'bravo'],
    [600, 59, 'alpha'], // failback after 60 ms
  ];
  const report = summarize({ target: '10.77.0.100', port: 7777, intervalMs: 10, startedAtMs: 1, durationMs: 1000, sent: 100, answers });
  assert.equal(report.received, 6);
  assert.deepEqual(report.answersByNode, { alpha: 4, bravo: 2 });
  assert.equal(report.longestGapMs, 500);
  assert.deepEqual(report.longestGap, { fromMs: 30, toMs: 530, before: 'alpha', after: 'bravo' });
  assert.deepEqual(report.switches, [
    { atMs: 530, from: 'alpha', to: 'bravo', gapMs: 500 },
    { atMs: 600, from: 'bravo', to: 'alpha', gapMs: 60 },
  ]);
  assert.equal(report.silentAtEndMs, 400);
  assert.equal(report.firstAnswerMs, 10);
});

test('probe summary with no answers reports the whole run as silent', () => {
  const report = summarize({ target: 'x', port: 1, intervalMs: 10, startedAtMs: 0, durationMs: 250, sent: 25, answers: [] });
  assert.equal(report.longestGap, null);
  assert.equal(report.longestGapMs, 0);
  assert.equal(report.silentAtEndMs, 250);
  assert.deepEqual(report.switches, []);
});
