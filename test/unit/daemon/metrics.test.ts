// The Prometheus endpoint: the exposition text built from a status report, the HTTP server on
// loopback (ephemeral port), and the daemon serving it when ha.cf sets tb_metrics_port.
// Runs the daemon in-process with memory links; touches only temp directories and loopback.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { startMetricsServer, METRICS_CONTENT_TYPE, type MetricsLimits } from '../../../src/daemon/metrics.js';
import { renderMetrics } from '../../../src/daemon/metrics-registry.js';
import { observe, connected, dribble, destroyAll, until, type Observed } from '../../support/hostile-clients.js';
import { runDaemon, type DaemonHandle } from '../../../src/daemon/main.js';
import type { StatusReport } from '../../../src/daemon/status-report.js';
import { freePort } from '../../support/free-port.js';
import { SilentLink, silentWiring, silentPairConfig } from './memory-wiring.js';

const report = (): StatusReport => ({
  version: 1,
  daemon: { pid: 42, version: '0.1.0', uptimeMs: 12_500, configDir: '/etc/ha.d', stateFile: '/var/lib/twinbeat/state.ini' },
  self: { name: 'alpha', role: 'active', standby: false, generation: 7, deferringToPeer: null },
  peer: { name: 'beta', role: 'active', standby: false, generation: 3, state: 'alive', lastHeardAgeMs: 250, leftGracefully: false, stable: true },
  configDigest: { self: 'abcdef0123', match: true },
  takeoverGate: 'closed',
  lastCommand: null,
  links: [
    { name: 'udp:ucast:eth1:10.0.0.2', kind: 'udp', state: 'up', mediumDown: null, lastHeardAgeMs: 250, interArrival: { mean: 1000, p50: 1000, p99: 1009, p999: 1010, max: 1010, count: 9 }, supportedDeadtimeMs: null, framesSent: 10, framesReceived: 9, drops: { 'bad-mac': 3, 'own-frame': 1 } },
    { name: 'serial:/dev/ttyS0', kind: 'serial', state: 'dead', mediumDown: 'cannot open "/dev/ttyS0"', lastHeardAgeMs: null, interArrival: { mean: 0, p50: 0, p99: 0, p999: 0, max: 0, count: 0 }, supportedDeadtimeMs: null, framesSent: 0, framesReceived: 0, drops: {} },
  ],
  groups: [
    { index: 0, key: 'IPaddr::10.0.0.100', owner: 'alpha', holders: ['alpha'], peerHeldAtLastContact: false, phase: 'running', desired: 'self', pendingHandover: null, why: '', failedHere: false, noEligibleHolder: null, move: null,
      resources: [{ id: 'IPaddr::10.0.0.100', state: 'running', monitorFailures: 1, restarts: 0 }] },
    { index: 1, key: 'Dummy::b', owner: 'beta', holders: ['beta'], peerHeldAtLastContact: false, phase: 'stopped', desired: 'peer', pendingHandover: null, why: '', failedHere: false, noEligibleHolder: 'not eligible here (standby) and beta is dead', move: null,
      resources: [{ id: 'Dummy::b', state: 'stopped', monitorFailures: 0, restarts: 0 }] },
  ],
  drops: { 'bad-mac': 3, 'own-frame': 1 },
});

const sampleLine = /^[a-z_]+(\{([a-z_]+="([^"\\\n]|\\["\\n])*",?)*\})? -?[0-9.e+]+$/;

test('exposition text: every family has HELP and TYPE, every sample line is well formed', async () => {
  const text = await renderMetrics(report(), { 'group-started': 2, 'peer-dead': 1 });
  const lines = text.trimEnd().split('\n');
  for (const line of lines.filter((l) => l !== '' && !l.startsWith('#'))) assert.match(line, sampleLine);
  // Histogram series carry _bucket/_sum/_count suffixes; their family is the stem.
  const names = new Set(lines.filter((l) => l !== '' && !l.startsWith('#')).map((l) => l.split(/[{ ]/)[0]!.replace(/_(bucket|sum|count)$/, '')));
  for (const name of names) {
    assert.ok(text.includes(`# HELP ${name} `), `HELP ${name}`);
    assert.match(text, new RegExp(`# TYPE ${name} (gauge|counter|histogram)\\n`));
  }
  assert.ok(text.endsWith('\n'));
});

test('exposition text: role, peer, links, drops by reason, groups, digest, core events', async () => {
  const text = await renderMetrics(report(), { 'group-started': 2, 'peer-dead': 1 });
  const has = (line: string) => assert.ok(text.split('\n').includes(line), line);
  has('twinbeat_role{node="alpha",role="active"} 1');
  has('twinbeat_role{node="alpha",role="standby"} 0');
  has('twinbeat_peer_alive{peer="beta"} 1');
  has('twinbeat_peer_state{peer="beta",state="alive"} 1');
  has('twinbeat_peer_last_heard_seconds{peer="beta"} 0.25');
  has('twinbeat_generation{node="alpha"} 7');
  has('twinbeat_generation{node="beta"} 3');
  has('twinbeat_uptime_seconds 12.5');
  has('twinbeat_link_up{link="udp:ucast:eth1:10.0.0.2",kind="udp"} 1');
  has('twinbeat_link_up{link="serial:/dev/ttyS0",kind="serial"} 0');
  has('twinbeat_link_state{link="serial:/dev/ttyS0",state="dead"} 1');
  has('twinbeat_link_medium_up{link="serial:/dev/ttyS0"} 0');
  has('twinbeat_link_last_heard_seconds{link="udp:ucast:eth1:10.0.0.2"} 0.25');
  assert.ok(!text.includes('twinbeat_link_last_heard_seconds{link="serial'), 'never heard: no sample');
  has('twinbeat_link_frames_sent_total{link="udp:ucast:eth1:10.0.0.2"} 10');
  has('twinbeat_link_frames_received_total{link="udp:ucast:eth1:10.0.0.2"} 9');
  has('twinbeat_link_drops_total{link="udp:ucast:eth1:10.0.0.2",reason="bad-mac"} 3');
  has('twinbeat_link_drops_total{link="udp:ucast:eth1:10.0.0.2",reason="own-frame"} 1');
  has('twinbeat_group_held{group="IPaddr::10.0.0.100"} 1');
  has('twinbeat_group_held{group="Dummy::b"} 0');
  has('twinbeat_groups_held 1');
  has('twinbeat_group_no_eligible_holder{group="IPaddr::10.0.0.100"} 0');
  has('twinbeat_group_no_eligible_holder{group="Dummy::b"} 1');
  has('twinbeat_resource_running{group="IPaddr::10.0.0.100",resource="IPaddr::10.0.0.100"} 1');
  has('twinbeat_resource_monitor_failures{resource="IPaddr::10.0.0.100"} 1');
  has('twinbeat_config_digest_match{peer="beta"} 1');
  has('twinbeat_info{node="alpha",peer="beta",version="0.1.0",config_digest="abcdef0123"} 1');
  assert.equal(text.split('\n').filter((l) => l.includes('abcdef0123')).length, 1, 'the digest is a label of twinbeat_info only');
  has('twinbeat_group_holders{group="IPaddr::10.0.0.100"} 1');
  has('twinbeat_core_events_total{event="group-started"} 2');
  has('twinbeat_core_events_total{event="peer-dead"} 1');
  const unheard = { ...report(), configDigest: { self: 'abcdef0123', match: null } };
  assert.ok(!(await renderMetrics(unheard)).includes('twinbeat_config_digest_match{'), 'unknown until the peer is heard');
});

test('label values are escaped', async () => {
  const r = report();
  r.links[0]!.name = 'odd"name\\with\nnewline';
  const text = await renderMetrics(r);
  assert.ok(text.includes('twinbeat_link_frames_sent_total{link="odd\\"name\\\\with\\nnewline"} 10'));
});

test('HTTP: GET /metrics on loopback, 404 elsewhere, 405 for other methods', async () => {
  let scrapes = 0;
  const server = await startMetricsServer({ port: 0, render: () => `twinbeat_scrapes ${++scrapes}\n` });
  try {
    assert.ok(server.port > 0);
    const base = `http://127.0.0.1:${server.port}`;
    const ok = await fetch(`${base}/metrics`);
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('content-type'), METRICS_CONTENT_TYPE);
    assert.equal(await ok.text(), 'twinbeat_scrapes 1\n');
    assert.equal(await (await fetch(`${base}/metrics?x=1`)).text(), 'twinbeat_scrapes 2\n', 'rendered per scrape');
    const missing = await fetch(`${base}/`);
    assert.equal(missing.status, 404);
    await missing.text();
    const post = await fetch(`${base}/metrics`, { method: 'POST' });
    assert.equal(post.status, 405);
    await post.text();
  } finally {
    await server.close();
  }
});

test('HTTP: a port already in use is an error from startMetricsServer', async () => {
  const first = await startMetricsServer({ port: 0, render: () => '' });
  try {
    await assert.rejects(startMetricsServer({ port: first.port, render: () => '' }), /EADDRINUSE/);
  } finally {
    await first.close();
  }
});

// ---- hostile scrapers (issue 12, hole 5) --------------------------------------------------------

async function boundedMetrics(t: { after: (fn: () => Promise<void> | void) => void }, limits: Partial<MetricsLimits>) {
  const errors: string[] = [];
  const server = await startMetricsServer({ port: 0, render: () => 'twinbeat_up 1\n', limits, onError: (e) => errors.push(e.message) });
  const clients: Observed[] = [];
  t.after(async () => {
    destroyAll(clients);
    await server.close();
  });
  const client = () => {
    const c = observe(server.port);
    clients.push(c);
    return c;
  };
  return { server, errors, client };
}

test('hostile: a flood of idle connections: at most maxConnections are held, the rest closed at once, scrapes work again after the header deadline', { timeout: 30_000 }, async (t) => {
  const { server, errors, client } = await boundedMetrics(t, { maxConnections: 8, headersTimeoutMs: 3000 });
  const flood = Array.from({ length: 200 }, () => client());
  await until(() => errors.length >= 192, 2500);
  const open = flood.filter((c) => !c.closed).length;
  assert.ok(open <= 8, `${open} idle connections still open, limit 8`);
  assert.match(errors[0]!, /8 connections open \(the limit\)/, 'refusals are reported');
  const after = await Promise.all(flood.map((c) => c.closedAfter));
  assert.ok(Math.max(...after) < 8000, `the held ones are closed by the header deadline (last after ${Math.max(...after)} ms)`);
  const scrape = await fetch(`http://127.0.0.1:${server.port}/metrics`);
  assert.equal(await scrape.text(), 'twinbeat_up 1\n');
});

test('hostile: slowloris headers (a byte every 50 ms, never finished) are cut off at the header deadline', { timeout: 20_000 }, async (t) => {
  const { client } = await boundedMetrics(t, { headersTimeoutMs: 500, idleTimeoutMs: 10_000 });
  const c = client();
  void dribble(c, 'GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: ' + 'a'.repeat(400), 50);
  const after = await c.closedAfter;
  assert.ok(after < 4000, `closed after ${after} ms`);
  assert.doesNotMatch(c.received(), /twinbeat_up/, 'never served');
});

test('hostile: an idle keep-alive connection after a scrape is closed', { timeout: 20_000 }, async (t) => {
  const { client } = await boundedMetrics(t, { keepAliveTimeoutMs: 300 });
  const c = client();
  await connected(c);
  c.socket.write('GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n');
  const after = await c.closedAfter;
  assert.match(c.received(), /200 OK[\s\S]*twinbeat_up 1/);
  assert.ok(after < 3000, `closed after ${after} ms`);
});


test('daemon: tb_metrics_port serves the live state on 127.0.0.1 and stops serving on exit', { timeout: 60_000 }, async (t) => {
  const cfg = silentPairConfig(t);
  const port = await freePort();
  appendFileSync(`${cfg.dir}/ha.cf`, `tb_metrics_port ${port}\n`);
  let onReady!: (h: DaemonHandle) => void;
  const ready = new Promise<DaemonHandle>((resolve) => (onReady = resolve));
  let err = '';
  const exit = runDaemon({ configDir: cfg.dir, node: 'alpha', foreground: false, installSignalHandlers: false, onReady }, { err: (s) => void (err += s) }, silentWiring([new SilentLink('memory:a')]));
  const handle = await Promise.race([ready, exit.then((code) => Promise.reject(new Error(`daemon exited ${code}: ${err}`)))]);
  try {
    const deadline = Date.now() + 20_000;
    let text = '';
    // group_held is 1 from the start's first step; wait for the start to complete.
    while (!text.includes('twinbeat_core_events_total{event="group-started"} 1\n')) {
      if (Date.now() > deadline) throw new Error(`the group never started:\n${text}`);
      await new Promise((r) => setTimeout(r, 100));
      text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    }
    assert.ok(text.includes('twinbeat_peer_alive{peer="beta"} 0'), 'silent peer');
    assert.ok(text.includes('twinbeat_link_up{link="memory:a",kind="memory"} 0'));
    assert.ok(text.includes('twinbeat_group_held{group="Dummy::tb6web"} 1'));
    assert.ok(text.includes('twinbeat_resource_running{group="Dummy::tb6web",resource="Dummy::tb6web"} 1'));
    assert.match(text, /twinbeat_link_frames_sent_total\{link="memory:a"\} [1-9]/);
  } finally {
    handle.stop();
    assert.equal(await exit, 0);
  }
  await assert.rejects(fetch(`http://127.0.0.1:${port}/metrics`), 'the endpoint is closed with the daemon');
});
