// Config (what the operator wrote) → CoreConfig (what the pure core decides with). The core
// never sees paths or scripts: resources are ids, hooks are "configured or not".
import type { Config } from '../config/types.js';
import type { CoreConfig } from '../core/types.js';
import { wireDigest } from '../protocol/frame.js';
import { TRANSITION_SCRIPTS } from './notify.js';

/** The shortest uplink probe interval: ping waits up to a second for an answer. */
export const UPLINK_PROBE_MIN_MS = 1000;

/** `linkNames` are the names of the links actually opened (Link.name), in config order. */
export function coreConfigFrom(config: Config, linkNames: string[]): CoreConfig {
  return {
    self: config.self,
    peer: config.peer,
    keepaliveMs: config.keepaliveMs,
    warntimeMs: config.warntimeMs,
    deadtimeMs: config.deadtimeMs,
    initdeadMs: config.initdeadMs,
    autoFailback: config.autoFailback,
    groups: config.groups.map((group, index) => ({
      index,
      key: group.key,
      owner: group.owner,
      resources: group.resources.map((resource) => {
        const monitor = config.ext.monitors[resource.id];
        return monitor === undefined
          ? { id: resource.id }
          : {
              id: resource.id,
              monitor: { intervalMs: monitor.intervalMs, timeoutMs: monitor.timeoutMs, failuresBeforeRestart: monitor.failures, maxRestarts: monitor.restarts },
            };
      }),
    })),
    links: linkNames,
    // The core compares it with the digest in the peer's frames, which carry only its prefix.
    configDigest: wireDigest(config.digest),
    pingNodesConfigured: config.ping.length > 0 || config.pingGroups.length > 0,
    fenceBeforeTakeover: config.ext.hooks['fence'] !== undefined,
    escalateOnStopFailure: config.ext.hooks['escalate'] !== undefined,
    notifyTransitions: TRANSITION_SCRIPTS.some((kind) => config.ext.hooks[kind] !== undefined),
    // Probed every keepalive, but not faster than ping's one-second answer wait.
    uplink: { enabled: config.uplink.enabled, delayMs: config.deadpingMs, probeEveryMs: Math.max(config.keepaliveMs, UPLINK_PROBE_MIN_MS) },
    dadPreProbe: config.ext.dadTimeoutMs > 0,
  };
}
