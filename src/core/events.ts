// The names of every log event the core can emit (the `event` of a `log` effect): the vocabulary
// operators grep for in the log and the label values of twinbeat_core_events_total, which the
// metrics pre-create at 0 so an `increase()` alert fires on the first occurrence. Pure data.
// test/unit/core/events.test.ts scans src/core for log calls and fails when one emits a name
// that is missing here: add the name here in the same change that adds the log line.
import type { Command } from './types.js';
import { UPLINK_CHANGES } from './uplink.js';

const COMMANDS: readonly Command[] = ['standby', 'online', 'takeover', 'stop'];

export const CORE_EVENTS: readonly string[] = [
  // start-up and configuration
  'core-start', 'auto-failback-legacy', 'config-reloaded', 'config-drift', 'config-drift-cleared', 'config-group-removed-while-held',
  // our own liveness and generations
  'local-stall', 'generation-behind', 'generation-exhausted',
  // links and the peer
  'link-up', 'link-late', 'link-dead', 'link-medium-up', 'link-medium-down', 'unknown-sender',
  'comm-up', 'peer-alive', 'peer-dead', 'peer-restarted', 'peer-goodbye', 'peer-deaf', 'peer-hears-us',
  // taking over from a dead peer
  'takeover-tie-delay', 'takeover-gate-open', 'fence-start', 'fence-not-repeated', 'isolated', 'ping-restored', 'peer-stable',
  // uplink tracking (uplink-<change>)
  ...UPLINK_CHANGES.map((c) => `uplink-${c}`), 'uplink-handover-refused',
  'dad-preprobe-in-use',
  // groups and resources
  'takeover-start', 'release-start', 'group-started', 'group-stopped', 'group-failed', 'failed-mark-cleared',
  'start-failed', 'stop-failed', 'stop-blocked', 'monitor-failed', 'resource-restart', 'resource-restarted', 'monitor-failover',
  'split-brain-detected', 'split-brain-resolved', 'unknown-op', 'no-eligible-holder', 'eligible-holder-restored',
  // hooks
  'hook-ok', 'hook-failed', 'hook-dropped', 'hook-coalesced',
  // operator commands (command-<name> when accepted)
  'command-refused', ...COMMANDS.map((c) => `command-${c}`), 'takeover-accepted', 'takeover-timeout', 'takeover-race-lost',
  'yield-to-peer-takeover', 'yield-ended', 'standby-cancelled',
  // per-group moves (placements.ts)
  'command-move', 'command-group-standby', 'command-move-clear', 'move-forgotten',
  // graceful stop
  'release-all', 'stopped',
];
