// Start-up reclaim (Heartbeat's "verifyallidle"): the core assumes it holds nothing when it
// starts, so before it runs, every configured resource that is still running here — left behind
// by a daemon killed with -9 or a crash, while the machine stayed up — is stopped. The pair's
// normal handshake then decides who holds what, from a state this node can vouch for.
//
// Groups are walked in reverse haresources order and resources in reverse group order, the order
// a graceful stop would release them. A stop that fails aborts start-up: the daemon cannot tell
// the peer "I hold nothing" while something may still hold the floating IP.
import type { Config, ResourceSpec } from '../config/types.js';
import type { ScriptResult } from '../resources/result.js';
import type { ScriptRunner } from '../resources/runner.js';
import { actionTimeoutMs, scriptEnv } from './actions.js';
import type { Logger } from './logger.js';

export class ReclaimError extends Error {
  constructor(
    readonly resourceId: string,
    readonly result: ScriptResult,
  ) {
    super(
      `cannot stop ${resourceId}, left running by a previous daemon (stop: ${result.outcome}${result.reason ? `: ${result.reason}` : ''}); ` +
        `refusing to start because this node's state is unknown — stop it by hand, then start again`,
    );
    this.name = 'ReclaimError';
  }
}

export interface ReclaimDeps {
  config: Config;
  runner: Pick<ScriptRunner, 'run'>;
  log: Logger;
}

/**
 * Stops every resource found running (or whose status cannot be told) before the core starts.
 * Returns the ids it stopped, in order; throws ReclaimError naming the first resource whose stop
 * failed.
 */
export async function reclaimAtStartup({ config, runner, log }: ReclaimDeps): Promise<string[]> {
  const rlog = log.child('daemon');
  const env = scriptEnv(config);
  const stopped: string[] = [];
  for (const group of [...config.groups].reverse()) {
    for (const spec of [...group.resources].reverse()) {
      const status = await runner.run(spec, 'status', { timeoutMs: actionTimeoutMs(config, spec.id, 'status'), env });
      const why = reasonToStop(status);
      if (why === null) {
        if (status.outcome === 'not-installed') rlog.warn('startup-reclaim-skipped', `${spec.id}: status could not run (${status.reason}); nothing to reclaim`, { resource: spec.id });
        continue;
      }
      await stopLeftover(spec, why, { config, runner, log: rlog });
      stopped.push(spec.id);
    }
  }
  return stopped;
}

/** Why a resource must be stopped at start-up, or null when it is known not to be running. */
function reasonToStop(status: ScriptResult): string | null {
  switch (status.outcome) {
    case 'not-running':
      return null;
    // A script that cannot run (missing, unsafe) cannot have started anything either; the core
    // reports it when it tries to start the group.
    case 'not-installed':
      return null;
    case 'ok':
      return 'running';
    default:
      // failed, timed out, not configured: unknown, so stop it (stop is idempotent) rather than
      // risk a resource this node does not know it holds.
      return `status unknown (${status.outcome}${status.reason ? `: ${status.reason}` : ''})`;
  }
}

async function stopLeftover(spec: ResourceSpec, why: string, { config, runner, log }: ReclaimDeps): Promise<void> {
  log.warn('startup-reclaim', `${spec.id} ${why} at start-up, left by a previous daemon: stopping it`, { resource: spec.id });
  const result = await runner.run(spec, 'stop', { timeoutMs: actionTimeoutMs(config, spec.id, 'stop'), env: scriptEnv(config) });
  if (result.outcome !== 'ok') {
    log.error('startup-reclaim-failed', `${spec.id}: stop failed: ${result.outcome}${result.reason ? `: ${result.reason}` : ''}`, { resource: spec.id, outcome: result.outcome });
    throw new ReclaimError(spec.id, result);
  }
  log.info('startup-reclaim-stopped', `${spec.id} stopped in ${Math.round(result.durationMs)}ms`, { resource: spec.id });
}
