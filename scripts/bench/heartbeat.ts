// Linux-HA Heartbeat 3.0.6 (Debian's package) in the lab. Heartbeat has fixed paths (/etc/ha.d,
// /var/lib/heartbeat, /run/heartbeat.pid, /run/heartbeat/) and takes its node name from
// `uname -n`, so each node runs it in a private mount and UTS namespace: its own copy of
// /etc/ha.d and /var/lib/heartbeat bind-mounted over the real ones, a tmpfs on /run and the
// hostname set to the node's name. Nothing outside the lab directory is written.
import { cp, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { LAB_NET } from '../lab/addresses.js';
import { NODES, haCf, type NodeName } from '../lab/lab-config.js';
import type { Lab } from '../lab/lab.js';
import { haCfOptions, type Timing } from './timing.js';
import { commandOf } from '../lab/requirements.js';

export const HEARTBEAT_BIN = commandOf('heartbeat');

function nodeDir(lab: Lab, node: NodeName): string {
  return join(lab.dir, `heartbeat-${node}`);
}

/** Heartbeat's own log on node (ha.cf `logfile`): what it decided and when. */
export function heartbeatLogPath(lab: Lab, node: NodeName): string {
  return join(nodeDir(lab, node), 'ha-log');
}

/** ha.cf for Heartbeat: the lab's generated file without twinbeat's own extension directives. */
function heartbeatHaCf(lab: Lab, node: NodeName, timing: Timing, serialBaud: number | null): string {
  const paths = { ...lab.paths(node), logfile: heartbeatLogPath(lab, node) };
  const text = haCf(node, paths, haCfOptions(timing, serialBaud));
  const lines = text.split('\n').filter((line) => !line.startsWith('tb_') && !line.startsWith('# twinbeat extensions'));
  return [...lines.filter((l) => l !== ''), 'use_logd no', 'crm off', ''].join('\n');
}

export async function heartbeatConfigure(lab: Lab, timing: Timing, serialBaud: number | null): Promise<void> {
  const key = randomBytes(20).toString('hex');
  for (const node of NODES) {
    const dir = nodeDir(lab, node);
    await mkdir(dir, { recursive: true });
    // Fresh copies of the package's /etc/ha.d (resource.d, shellfuncs, harc) and state tree.
    await cp('/etc/ha.d', join(dir, 'etc'), { recursive: true, force: true });
    await cp('/var/lib/heartbeat', join(dir, 'var'), { recursive: true, force: true });
    await writeFile(join(dir, 'etc', 'ha.cf'), heartbeatHaCf(lab, node, timing, serialBaud));
    await writeFile(join(dir, 'etc', 'haresources'), `alpha IPaddr2::${LAB_NET.floating}/${LAB_NET.prefixLength}/${LAB_NET.lanIf}\n`);
    await writeFile(join(dir, 'etc', 'authkeys'), `auth 1\n1 sha1 ${key}\n`, { mode: 0o600 });
  }
}

export function heartbeatStart(lab: Lab, node: NodeName): ChildProcess {
  const dir = nodeDir(lab, node);
  // `unshare` without --fork and `exec` keep one PID from here to the heartbeat master process.
  const script = [
    'set -e',
    // realtime on (the default) locks heartbeat into memory: allow it, as the init script's limits do.
    'ulimit -l unlimited 2>/dev/null || true',
    `echo ${node} > /proc/sys/kernel/hostname`,
    `mount --bind ${dir}/etc /etc/ha.d`,
    `mount --bind ${dir}/var /var/lib/heartbeat`,
    'mount -t tmpfs -o mode=0755 tmpfs /run',
    'mkdir -p /run/heartbeat/ccm /run/heartbeat/crm /run/heartbeat/dopd /run/heartbeat/rsctmp /run/resource-agents /run/lock/subsys',
    'chmod 1777 /run/lock',
    'chown -R hacluster:haclient /run/heartbeat',
    `exec ${HEARTBEAT_BIN} -f`,
  ].join('\n');
  return lab.nodeNs(node).spawnLogged(['unshare', '--uts', '--mount', '--propagation', 'private', 'sh', '-c', script], join(dir, 'daemon.out'));
}
