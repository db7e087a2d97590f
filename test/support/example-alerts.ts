// Test helper (not a test): the example alerts of src/daemon/README.md "Example alerts" as
// expressions and as functions evaluating them over two scrapes (test/support/prom-text.ts), and
// the rules as the README documents them, so a test can hold the two equal. Used by the unit
// alert test (a real daemon with a silent peer) and the uplink e2e test (two real daemons).
// Reads src/daemon/README.md.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths.js';
import { increase, select, type Sample } from './prom-text.js';

/** The alerts documented in src/daemon/README.md "Example alerts", and how this test evaluates each. */
export const ALERTS: { name: string; expr: string; fires: (before: Sample[], after: Sample[]) => boolean }[] = [
  { name: 'TwinbeatSplitBrain', expr: 'increase(twinbeat_core_events_total{event="split-brain-detected"}[5m]) > 0',
    fires: (b, a) => increase(b, a, 'twinbeat_core_events_total', { event: 'split-brain-detected' }) > 0 },
  { name: 'TwinbeatGroupFailed', expr: 'increase(twinbeat_core_events_total{event=~"group-failed|stop-failed"}[10m]) > 0',
    fires: (b, a) => increase(b, a, 'twinbeat_core_events_total', { event: 'group-failed' }) + increase(b, a, 'twinbeat_core_events_total', { event: 'stop-failed' }) > 0 },
  { name: 'TwinbeatNoEligibleHolder', expr: 'twinbeat_group_no_eligible_holder == 1',
    fires: (_b, a) => select(a, 'twinbeat_group_no_eligible_holder').some((s) => s.value === 1) },
  { name: 'TwinbeatAuthFailures', expr: 'increase(twinbeat_link_drops_total{reason=~"bad-mac|unknown-key"}[10m]) > 0',
    fires: (b, a) => select(a, 'twinbeat_link_drops_total').filter((s) => s.labels['reason'] === 'bad-mac' || s.labels['reason'] === 'unknown-key')
      .some((s) => increase(b, a, 'twinbeat_link_drops_total', s.labels) > 0) },
  { name: 'TwinbeatUnknownSender', expr: 'increase(twinbeat_core_events_total{event="unknown-sender"}[10m]) > 0',
    fires: (b, a) => increase(b, a, 'twinbeat_core_events_total', { event: 'unknown-sender' }) > 0 },
  { name: 'TwinbeatLinkDown', expr: 'twinbeat_link_up == 0', fires: (_b, a) => select(a, 'twinbeat_link_up').some((s) => s.value === 0) },
  { name: 'TwinbeatConfigDrift', expr: 'twinbeat_config_digest_match == 0', fires: (_b, a) => select(a, 'twinbeat_config_digest_match').some((s) => s.value === 0) },
  { name: 'TwinbeatUplinkHandover', expr: 'increase(twinbeat_uplink_handovers_total[30m]) > 0',
    fires: (b, a) => increase(b, a, 'twinbeat_uplink_handovers_total') > 0 },
  { name: 'TwinbeatHookFailed', expr: 'increase(twinbeat_hook_runs_total{outcome=~"failed|timed-out"}[10m]) > 0',
    fires: (b, a) => select(a, 'twinbeat_hook_runs_total').filter((s) => s.labels['outcome'] === 'failed' || s.labels['outcome'] === 'timed-out')
      .some((s) => increase(b, a, 'twinbeat_hook_runs_total', s.labels) > 0) },
  { name: 'TwinbeatResourceActions', expr: 'increase(twinbeat_resource_action_duration_seconds_count{action="start"}[10m]) > 0',
    fires: (b, a) => select(a, 'twinbeat_resource_action_duration_seconds_count', { action: 'start' }).some((s) => increase(b, a, 'twinbeat_resource_action_duration_seconds_count', s.labels) > 0) },
];

/** The `- alert:` / `expr:` pairs of the yaml block under "## Example alerts" in src/daemon/README.md. */
export function documentedAlerts(): { name: string; expr: string }[] {
  const readme = readFileSync(join(repoRoot, 'src/daemon/README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Example alerts\n'));
  const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return [...yaml.matchAll(/- alert: (\S+)\n\s+expr: (.+)\n/g)].map((m) => ({ name: m[1]!, expr: m[2]!.trim() }));
}

