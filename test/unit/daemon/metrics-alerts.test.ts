// The example alerts in src/daemon/README.md "Example alerts", evaluated against a real daemon's
// /metrics: the README's rules are exactly the ones evaluated here; every series an alert reads,
// and every known label value (drop reasons, core events, link, peer and uplink states, roles,
// hook outcomes), exists from the first scrape (value 0 for counters, so increase() sees the
// first event); after injected events (a frame failing authentication, frames from an unknown
// node, the group starting, a failing master notification) the alerts that should fire do and
// the others do not; a group that cannot start anywhere fires the failure and no-holder alerts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runDaemon, type DaemonHandle, type Wiring } from '../../../src/daemon/main.js';
import { monotonicNow } from '../../../src/daemon/clock.js';
import { DROP_REASONS } from '../../../src/protocol/drops.js';
import { CORE_EVENTS } from '../../../src/core/events.js';
import { hookKinds } from '../../../src/core/types.js';
import { HOOK_OUTCOMES, LINK_STATES, PEER_STATES, ROLES, UPLINK_STATES } from '../../../src/daemon/metrics-registry.js';
import type { LinkEvent } from '../../../src/transport/link.js';
import type { Message } from '../../../src/protocol/message.js';
import { freePort } from '../../support/free-port.js';
import { SilentLink, silentPairConfig } from './memory-wiring.js';
import { parseExposition, increase, select, value, type Sample } from '../../support/prom-text.js';
import { ALERTS, documentedAlerts } from '../../support/example-alerts.js';

/** A silent link the test can push frames into. */
class FeedLink extends SilentLink {
  private listener: ((e: LinkEvent) => void) | null = null;
  override onEvent(listener: (e: LinkEvent) => void) {
    this.listener = listener;
  }
  feed(frame: string, at: number) {
    this.listener!({ kind: 'frame', frame, at });
  }
}

/** Frames starting with '!' fail authentication; the rest are JSON messages. */
function feedWiring(link: FeedLink): Wiring {
  return {
    createLinks: () => [link],
    createCodec: () => ({
      encode: (m: Message) => JSON.stringify(m),
      decode: (frame: string) => (frame.startsWith('!') ? { ok: false, reason: 'bad-mac' } : { ok: true, message: JSON.parse(frame) as Message, keyIndex: 1 }),
      setConfig() {},
    }),
  };
}


test('alerts: the README documents exactly the rules this test evaluates, expression for expression', () => {
  const documented = documentedAlerts();
  assert.ok(documented.length >= 5, `the yaml block was found (${documented.length} rules)`);
  assert.deepEqual(documented, ALERTS.map(({ name, expr }) => ({ name, expr })));
});

/** A silent-peer daemon with tb_metrics_port, fed through `link`. */
async function metricsDaemon(t: { after: (fn: () => void) => void }, link: FeedLink, setup: (dir: string) => void = () => {}) {
  const cfg = silentPairConfig(t);
  const port = await freePort();
  appendFileSync(`${cfg.dir}/ha.cf`, `tb_metrics_port ${port}\n`);
  setup(cfg.dir);
  let onReady!: (h: DaemonHandle) => void;
  const ready = new Promise<DaemonHandle>((resolve) => (onReady = resolve));
  let err = '';
  const exit = runDaemon({ configDir: cfg.dir, node: 'alpha', foreground: false, installSignalHandlers: false, onReady }, { err: (s) => void (err += s) }, feedWiring(link));
  const handle = await Promise.race([ready, exit.then((code) => Promise.reject(new Error(`daemon exited ${code}: ${err}`)))]);
  const scrape = async () => parseExposition(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text());
  return { handle, exit, scrape };
}

async function scrapeUntil(scrape: () => Promise<Sample[]>, what: string, done: (s: Sample[]) => boolean): Promise<Sample[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const samples = await scrape();
    if (done(samples)) return samples;
    if (Date.now() > deadline) throw new Error(`never: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** An executable script only root can change (hooks and resources are refused otherwise). */
function script(path: string, body: string): void {
  writeFileSync(path, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
}

test('alerts: every series and label value exists at 0 from the first scrape; injected events make exactly the expected alerts fire', { timeout: 60_000 }, async (t) => {
  const link = new FeedLink('memory:a');
  const { handle, exit, scrape } = await metricsDaemon(t, link, (dir) => {
    script(join(dir, 'a14m-master-hook'), 'exit 1');
    appendFileSync(join(dir, 'ha.cf'), `tb_hook master ${join(dir, 'a14m-master-hook')}\n`);
  });
  try {
    // First scrape: before initdead (1 s) ran out, nothing has happened yet.
    const before = await scrape();
    for (const reason of DROP_REASONS) assert.equal(value(before, 'twinbeat_link_drops_total', { link: 'memory:a', reason }), 0, `drop reason ${reason} at 0`);
    // Every event has its series; all are 0 but the start of the core itself, and local-stall:
    // the daemon shares this process, and a machine that leaves it unscheduled for more than a
    // keepalive (100 ms) - a loaded CI box - makes it report its own stall, rightly.
    for (const event of CORE_EVENTS) {
      const count = value(before, 'twinbeat_core_events_total', { event });
      if (event === 'local-stall') assert.ok(Number.isInteger(count) && count >= 0, `event ${event}: ${count}`);
      else assert.equal(count, event === 'core-start' ? 1 : 0, `event ${event}`);
    }
    assert.equal(select(before, 'twinbeat_core_events_total').length, CORE_EVENTS.length, 'every core event has a series, no other');
    for (const hook of hookKinds) for (const outcome of HOOK_OUTCOMES) assert.equal(value(before, 'twinbeat_hook_runs_total', { hook, outcome }), 0, `hook ${hook} ${outcome} at 0`);
    for (const state of LINK_STATES) assert.equal(select(before, 'twinbeat_link_state', { link: 'memory:a', state }).length, 1, `link state ${state}`);
    for (const state of PEER_STATES) assert.equal(select(before, 'twinbeat_peer_state', { peer: 'beta', state }).length, 1, `peer state ${state}`);
    for (const state of UPLINK_STATES) assert.equal(select(before, 'twinbeat_uplink_state', { state }).length, 1, `uplink state ${state}`);
    for (const role of ROLES) assert.equal(select(before, 'twinbeat_role', { node: 'alpha', role }).length, 1, `role ${role}`);
    assert.equal(value(before, 'twinbeat_uplink_handovers_total'), 0);
    assert.equal(value(before, 'twinbeat_group_no_eligible_holder', { group: 'Dummy::tb6web' }), 0);
    assert.equal(value(before, 'twinbeat_heartbeat_interarrival_seconds_count', { link: 'memory:a' }), 0);
    for (const action of ['start', 'stop', 'status', 'monitor'])
      assert.equal(value(before, 'twinbeat_resource_action_duration_seconds_count', { resource: 'Dummy::tb6web', action }), 0);
    assert.ok(value(before, 'process_resident_memory_bytes') > 0, 'process metrics');
    assert.ok(select(before, 'process_cpu_seconds_total').length === 1);
    assert.equal(select(before, 'twinbeat_info').length, 1);
    for (const alert of ALERTS) assert.equal(alert.fires(before, before), alert.name === 'TwinbeatLinkDown', `${alert.name} at start`);

    // Inject: one frame failing authentication, three frames 50 ms apart from a node not in ha.cf.
    link.feed('!forged', monotonicNow());
    // Whole milliseconds: with a fractional base, (at + 100) - (at + 50) can exceed 50 by a rounding
    // error and land the gap in the next bucket.
    const at = Math.round(monotonicNow());
    const stranger = JSON.stringify({ type: 'status', from: 'gamma' });
    for (let i = 0; i < 3; i++) link.feed(stranger, at + 50 * i);
    // The group starts; the node's and the group's MASTER notification runs the failing hook.
    const after = await scrapeUntil(scrape, 'the group started and the master hook ran', (s) =>
      value(s, 'twinbeat_core_events_total', { event: 'group-started' }) >= 1 && value(s, 'twinbeat_hook_runs_total', { hook: 'master', outcome: 'failed' }) >= 1);
    const fired = ALERTS.filter((a) => a.fires(before, after)).map((a) => a.name).sort();
    assert.deepEqual(fired, ['TwinbeatAuthFailures', 'TwinbeatHookFailed', 'TwinbeatLinkDown', 'TwinbeatResourceActions', 'TwinbeatUnknownSender']);
    assert.equal(increase(before, after, 'twinbeat_core_events_total', { event: 'unknown-sender' }), 3);
    assert.equal(increase(before, after, 'twinbeat_link_drops_total', { link: 'memory:a', reason: 'bad-mac' }), 1);
    // Inter-arrival: two gaps of exactly 50 ms, both in the le="0.05" bucket.
    assert.equal(value(after, 'twinbeat_heartbeat_interarrival_seconds_count', { link: 'memory:a' }), 2);
    assert.equal(value(after, 'twinbeat_heartbeat_interarrival_seconds_bucket', { link: 'memory:a', le: '0.05' }), 2);
    assert.equal(value(after, 'twinbeat_heartbeat_interarrival_seconds_bucket', { link: 'memory:a', le: '+Inf' }), 2, 'cumulative buckets');
    assert.ok(Math.abs(value(after, 'twinbeat_heartbeat_interarrival_seconds_sum', { link: 'memory:a' }) - 0.1) < 1e-9);
    assert.ok(value(after, 'twinbeat_resource_action_duration_seconds_sum', { resource: 'Dummy::tb6web', action: 'start' }) > 0);
  } finally {
    handle.stop();
    assert.equal(await exit, 0);
  }
});

test('alerts: a group whose start fails here while the peer is silent fires the failure and the no-holder alerts', { timeout: 60_000 }, async (t) => {
  const { handle, exit, scrape } = await metricsDaemon(t, new FeedLink('memory:a'), (dir) => {
    mkdirSync(join(dir, 'resource.d'));
    script(join(dir, 'resource.d', 'a14mFail'), 'case "$1" in start) exit 1;; status) echo stopped; exit 3;; *) exit 0;; esac');
    writeFileSync(join(dir, 'haresources'), 'alpha a14mFail\n');
  });
  try {
    const before = await scrape();
    assert.equal(value(before, 'twinbeat_group_no_eligible_holder', { group: 'a14mFail' }), 0);
    const after = await scrapeUntil(scrape, 'nobody eligible', (s) => value(s, 'twinbeat_group_no_eligible_holder', { group: 'a14mFail' }) === 1);
    const fired = ALERTS.filter((a) => a.fires(before, after)).map((a) => a.name).sort();
    assert.deepEqual(fired, ['TwinbeatGroupFailed', 'TwinbeatLinkDown', 'TwinbeatNoEligibleHolder', 'TwinbeatResourceActions']);
    assert.equal(increase(before, after, 'twinbeat_core_events_total', { event: 'no-eligible-holder' }), 1);
  } finally {
    handle.stop();
    assert.equal(await exit, 0);
  }
});
