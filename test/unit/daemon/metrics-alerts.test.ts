// The example alerts in src/daemon/README.md "Example alerts", evaluated against a real daemon's
// /metrics: every series an alert reads exists from the first scrape (value 0 for counters, so
// increase() sees the first event), and after injected events (a frame failing authentication,
// frames from an unknown node, the group starting) the alerts that should fire do and the others
// do not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { runDaemon, type DaemonHandle, type Wiring } from '../../../src/daemon/main.js';
import { monotonicNow } from '../../../src/daemon/clock.js';
import { DROP_REASONS } from '../../../src/protocol/drops.js';
import { CORE_EVENTS } from '../../../src/core/events.js';
import type { LinkEvent } from '../../../src/transport/link.js';
import type { Message } from '../../../src/protocol/message.js';
import { freePort } from '../../support/free-port.js';
import { SilentLink, silentPairConfig } from './memory-wiring.js';
import { parseExposition, increase, select, value, type Sample } from '../../support/prom-text.js';

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


/** The alerts documented in NOTES/README, as the expression and how this test evaluates it. */
const ALERTS: { name: string; expr: string; fires: (before: Sample[], after: Sample[]) => boolean }[] = [
  { name: 'TwinbeatSplitBrain', expr: 'increase(twinbeat_core_events_total{event="split-brain-detected"}[5m]) > 0',
    fires: (b, a) => increase(b, a, 'twinbeat_core_events_total', { event: 'split-brain-detected' }) > 0 },
  { name: 'TwinbeatGroupFailed', expr: 'increase(twinbeat_core_events_total{event=~"group-failed|stop-failed"}[10m]) > 0',
    fires: (b, a) => increase(b, a, 'twinbeat_core_events_total', { event: 'group-failed' }) + increase(b, a, 'twinbeat_core_events_total', { event: 'stop-failed' }) > 0 },
  { name: 'TwinbeatAuthFailures', expr: 'increase(twinbeat_link_drops_total{reason=~"bad-mac|unknown-key"}[10m]) > 0',
    fires: (b, a) => select(a, 'twinbeat_link_drops_total').filter((s) => s.labels['reason'] === 'bad-mac' || s.labels['reason'] === 'unknown-key')
      .some((s) => increase(b, a, 'twinbeat_link_drops_total', s.labels) > 0) },
  { name: 'TwinbeatUnknownSender', expr: 'increase(twinbeat_core_events_total{event="unknown-sender"}[10m]) > 0',
    fires: (b, a) => increase(b, a, 'twinbeat_core_events_total', { event: 'unknown-sender' }) > 0 },
  { name: 'TwinbeatLinkDown', expr: 'twinbeat_link_up == 0', fires: (_b, a) => select(a, 'twinbeat_link_up').some((s) => s.value === 0) },
  { name: 'TwinbeatConfigDrift', expr: 'twinbeat_config_digest_match == 0', fires: (_b, a) => select(a, 'twinbeat_config_digest_match').some((s) => s.value === 0) },
  { name: 'TwinbeatResourceActions', expr: 'increase(twinbeat_resource_action_duration_seconds_count{action="start"}[10m]) > 0',
    fires: (b, a) => increase(b, a, 'twinbeat_resource_action_duration_seconds_count', { resource: 'Dummy::tb6web', action: 'start' }) > 0 },
];

test('alerts: every series exists at 0 from the first scrape; injected events make exactly the expected alerts fire', { timeout: 60_000 }, async (t) => {
  const cfg = silentPairConfig(t);
  const port = await freePort();
  appendFileSync(`${cfg.dir}/ha.cf`, `tb_metrics_port ${port}\n`);
  const link = new FeedLink('memory:a');
  let onReady!: (h: DaemonHandle) => void;
  const ready = new Promise<DaemonHandle>((resolve) => (onReady = resolve));
  let err = '';
  const exit = runDaemon({ configDir: cfg.dir, node: 'alpha', foreground: false, installSignalHandlers: false, onReady }, { err: (s) => void (err += s) }, feedWiring(link));
  const handle = await Promise.race([ready, exit.then((code) => Promise.reject(new Error(`daemon exited ${code}: ${err}`)))]);
  const scrape = async () => parseExposition(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text());
  try {
    // First scrape: before initdead (1 s) ran out, nothing has happened yet.
    const before = await scrape();
    for (const reason of DROP_REASONS) assert.equal(value(before, 'twinbeat_link_drops_total', { link: 'memory:a', reason }), 0, `drop reason ${reason} at 0`);
    for (const event of ['split-brain-detected', 'group-failed', 'stop-failed', 'unknown-sender', 'group-started', 'peer-dead'])
      assert.equal(value(before, 'twinbeat_core_events_total', { event }), 0, `event ${event} at 0`);
    assert.equal(select(before, 'twinbeat_core_events_total').length, CORE_EVENTS.length, 'every core event has a series');
    for (const state of ['init', 'up', 'late', 'dead']) assert.equal(select(before, 'twinbeat_link_state', { link: 'memory:a', state }).length, 1, `link state ${state}`);
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
    let after = await scrape();
    const deadline = Date.now() + 20_000;
    while (value(after, 'twinbeat_core_events_total', { event: 'group-started' }) < 1) {
      if (Date.now() > deadline) throw new Error('the group never started');
      await new Promise((r) => setTimeout(r, 100));
      after = await scrape();
    }
    const fired = ALERTS.filter((a) => a.fires(before, after)).map((a) => a.name).sort();
    assert.deepEqual(fired, ['TwinbeatAuthFailures', 'TwinbeatLinkDown', 'TwinbeatResourceActions', 'TwinbeatUnknownSender']);
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
