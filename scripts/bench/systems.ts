// The three systems the bench compares and how each is configured and started in the lab. Each
// runs with the same heartbeat interval and dead time; Heartbeat and keepalived are configured
// the way their documentation recommends (Heartbeat: ha.cf with ucast + serial, IPaddr2;
// keepalived: one VRRP instance per node, unicast to the peer, higher priority on alpha).
import type { ChildProcess } from 'node:child_process';
import type { Lab, NodeName } from '../lab/lab.js';
import type { LabConfigOptions } from '../lab/lab-config.js';
import { heartbeatConfigure, heartbeatStart } from './heartbeat.js';
import { keepalivedConfigure, keepalivedStart } from './keepalived.js';

/**
 * The `baud` written to ha.cf for a cable: the paced cable's real speed, and for the unthrottled
 * pty 115200, the fastest common RS-232 speed (a pty ignores it; twinbeat paces its frames by it).
 */
export function configuredBaud(cableBaud: number): number {
  return cableBaud === 0 ? 115200 : cableBaud;
}

export type SystemName = 'twinbeat' | 'heartbeat' | 'keepalived';

/** A comparable setting: heartbeat interval and dead time (keepalived: advert_int = keepalive). */
export interface Timing {
  label: string;
  keepaliveMs: number;
  deadtimeMs: number;
  /** twinbeat only: IPaddr's duplicate-address wait (tb_dad_timeout); default 100 ms. */
  dadTimeoutMs?: number;
}

export interface SystemUnderTest {
  name: SystemName;
  /** Whether the system can use the serial cable (keepalived cannot). */
  serial: boolean;
  /** Writes both nodes' configuration into the lab directory; serialBaud null: no serial link. */
  configure(lab: Lab, timing: Timing, serialBaud: number | null): Promise<void>;
  /** Starts the daemon on one node; the returned child's PID roots the daemon's process tree. */
  start(lab: Lab, node: NodeName): ChildProcess;
}

/**
 * The ha.cf settings twinbeat and Heartbeat share: the timing (warntime 3/5 and initdead twice
 * the dead time, at least 2 s), auto_failback on, ucast plus (optionally) serial at serialBaud.
 */
export function haCfOptions(timing: Timing, serialBaud: number | null): LabConfigOptions {
  return {
    keepalive: `${timing.keepaliveMs}ms`,
    deadtime: `${timing.deadtimeMs}ms`,
    warntime: `${Math.round((timing.deadtimeMs * 3) / 5)}ms`,
    initdead: `${Math.max(2 * timing.deadtimeMs, 2_000)}ms`,
    autoFailback: 'on',
    udp: true,
    serial: serialBaud !== null,
    baud: serialBaud ?? 19200,
  };
}

export const twinbeat: SystemUnderTest = {
  name: 'twinbeat',
  serial: true,
  configure: (lab, timing, serialBaud) =>
    lab.writeConfigs({ ...haCfOptions(timing, serialBaud), extraHaCf: timing.dadTimeoutMs === undefined ? [] : [`tb_dad_timeout ${timing.dadTimeoutMs}ms`] }),
  start: (lab, node) => lab.startDaemon(node),
};

export const heartbeat: SystemUnderTest = { name: 'heartbeat', serial: true, configure: heartbeatConfigure, start: heartbeatStart };

export const keepalived: SystemUnderTest = {
  name: 'keepalived',
  serial: false,
  configure: (lab, timing) => keepalivedConfigure(lab, timing),
  start: keepalivedStart,
};

export const SYSTEMS: readonly SystemUnderTest[] = [twinbeat, heartbeat, keepalived];
