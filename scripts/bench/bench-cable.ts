// The bench's serial cable, for Lab's `serialCable` option: each node's tty is one end of a socat
// pty pair, and the baud relay joins the two far ends — unthrottled (baud 0) or paced at a real
// baud rate. Unlike the lab's default cable, cutting it (as Lab does when a node loses power)
// keeps both ttys: the line goes quiet, as a real serial line does when the peer has no power.
// Heartbeat's serial reader spins on EOF when a pty's other side vanishes, which would measure
// the lab, not the system.
// Spawns socat and the relay and reads its stats file; touches only the processes and ptys it creates.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { socatPtyPair, type PtyPair } from '../lab/netns.js';
import { childExited, trackPid, untrackPid, waitFor } from '../lab/process.js';
import type { RelayStats } from './paced-line.js';
import { chrtArgs } from '../../src/daemon/realtime.js';

/** SCHED_FIFO priority of the cable's processes: above the daemons' (twinbeat 50, Heartbeat's). */
const CABLE_RTPRIO = 80;
const relayScript = join(resolve(fileURLToPath(new URL('.', import.meta.url))), 'baud-relay.js');

export interface BenchCable {
  /** Pass as LabOptions.serialCable. */
  factory: (pathA: string, pathB: string) => Promise<PtyPair>;
  /** Bytes the relay has forwarded each way, and dropped on overrun. */
  stats(): RelayStats;
  /** Stops the relay and both socat pairs (Lab.destroy only cuts the cable). */
  dispose(): Promise<void>;
}

/** baud 0: an unthrottled cable. */
export function benchCable(baud: number, dir: string): BenchCable {
  const statsFile = join(dir, 'relay-stats.json');
  let parts: { near: PtyPair; far: PtyPair; relay: ChildProcess } | undefined;
  let connected = true;

  const factory = async (pathA: string, pathB: string): Promise<PtyPair> => {
    if (parts) throw new Error('one bench cable serves one lab');
    const near = await socatPtyPair(pathA, `${pathA}.relay`);
    const far = await socatPtyPair(`${pathB}.relay`, pathB);
    const relay = spawn(process.execPath, [relayScript, '--a', `${pathA}.relay`, '--b', `${pathB}.relay`, '--baud', String(baud), '--stats', statsFile], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    if (relay.pid === undefined) throw new Error('could not start the baud relay');
    trackPid(relay.pid);
    parts = { near, far, relay };
    let stderr = '';
    relay.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    await waitFor('baud relay', () => {
      if (relay.exitCode !== null) throw new Error(`baud relay exited: ${stderr.trim()}`);
      return stderr.includes('relaying');
    });
    // The cable stands for hardware (a UART clocks bytes out whatever the CPU load): the soak's
    // stress-ng must load the daemons, not slow the wire. Above every daemon's priority.
    for (const pid of [near.pid, far.pid, relay.pid]) spawnSync('chrt', chrtArgs(pid, CABLE_RTPRIO), { stdio: 'ignore' });
    const signal = (sig: NodeJS.Signals): void => {
      if (relay.exitCode === null) relay.kill(sig);
    };
    return {
      pid: relay.pid,
      pathA,
      pathB,
      async stop() {
        signal('SIGUSR1');
        connected = false;
      },
      async restart() {
        signal('SIGUSR2');
        connected = true;
      },
      get running() {
        return connected;
      },
      release() {
        throw new Error('a bench cable cannot outlive the bench');
      },
    };
  };

  return {
    factory,
    stats: () => (existsSync(statsFile) ? (JSON.parse(readFileSync(statsFile, 'utf8')) as RelayStats) : { aToB: 0, bToA: 0, dropped: 0 }),
    async dispose() {
      if (!parts) return;
      const { near, far, relay } = parts;
      parts = undefined;
      if (relay.exitCode === null && relay.signalCode === null) relay.kill('SIGTERM');
      await childExited(relay);
      if (relay.pid !== undefined) untrackPid(relay.pid);
      await near.stop();
      await far.stop();
    },
  };
}
