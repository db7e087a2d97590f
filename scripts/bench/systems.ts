// The three systems the bench compares and how each is configured and started in the lab. Each
// runs with the same heartbeat interval and dead time; Heartbeat and keepalived are configured
// the way their documentation recommends (Heartbeat: ha.cf with ucast + serial, IPaddr2;
// keepalived: one VRRP instance per node, unicast to the peer, higher priority on alpha).
import type { ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { labPaths, type Lab, type NodeName } from '../lab/lab.js';
import { heartbeatConfigure, heartbeatStart } from './heartbeat.js';
import { keepalivedConfigure, keepalivedStart } from './keepalived.js';
import { haCfOptions, type Timing } from './timing.js';

export type SystemName = 'twinbeat' | 'heartbeat' | 'keepalived';

export interface SystemUnderTest {
  name: SystemName;
  /** Whether the system can use the serial cable (keepalived cannot). */
  serial: boolean;
  /** Writes both nodes' configuration into the lab directory; serialBaud null: no serial link. */
  configure(lab: Lab, timing: Timing, serialBaud: number | null): Promise<void>;
  /** Starts the daemon on one node; the returned child's PID roots the daemon's process tree. */
  start(lab: Lab, node: NodeName): ChildProcess;
  /**
   * How long after a start the daemon still runs with start-up timing rather than its steady
   * state, ms (0: none). The bench cuts power only after it, so every cut starts from the same
   * state as the first (pair.ts, waitForAlpha).
   */
  startupMs: number;
}

export const twinbeat: SystemUnderTest = {
  name: 'twinbeat',
  serial: true,
  configure: (lab, timing, serialBaud) =>
    lab.writeConfigs({ ...haCfOptions(timing, serialBaud), extraHaCf: timing.dadTimeoutMs === undefined ? [] : [`tb_dad_timeout ${timing.dadTimeoutMs}ms`] }),
  start: (lab, node) => lab.startDaemon(node),
  startupMs: 0,
};

/**
 * twinbeat started as Lab.startDaemon does, but with these node flags (V8's CPU profiler is not
 * allowed in NODE_OPTIONS; other flags are tried this way before they go into NODE_FLAGS), and
 * optionally the build of another checkout (`root`: its dist/src/cli/main.js), so two builds run
 * side by side in one measurement (idle-compare.js).
 */
export function twinbeatWithNodeFlags(flags: string[], root?: string): SystemUnderTest {
  const cli = root === undefined ? labPaths.cli : join(resolve(root), 'dist/src/cli/main.js');
  return {
    ...twinbeat,
    start: (lab, node) => {
      const p = lab.paths(node);
      const argv = [process.execPath, ...flags, cli, 'start', '-f', '-c', p.configDir, '--node', node];
      return lab.nodeNs(node).spawnLogged(argv, p.daemonLog, { env: { ...process.env, TB_RUN_DIR: p.runDir } });
    },
  };
}

/**
 * Heartbeat's master control process starts with `hb_add_deadtime(2000)` and pops it 5 s later
 * (heartbeat.c, master_control_process): for its first 5 s a node advertises deadtime + 2 s in
 * its status messages, and its peer waits that long before declaring it dead.
 */
export const HEARTBEAT_STARTUP_MS = 5_000;

export const heartbeat: SystemUnderTest = { name: 'heartbeat', serial: true, configure: heartbeatConfigure, start: heartbeatStart, startupMs: HEARTBEAT_STARTUP_MS };

export const keepalived: SystemUnderTest = {
  name: 'keepalived',
  serial: false,
  configure: (lab, timing) => keepalivedConfigure(lab, timing),
  start: keepalivedStart,
  startupMs: 0,
};

export const SYSTEMS: readonly SystemUnderTest[] = [twinbeat, heartbeat, keepalived];
