// The bench brings its own reference systems: Debian's heartbeat (3.0.6), keepalived, stress-ng
// and nftables (the loss rule), installed with apt-get when missing. Services must not start on
// install: Debian's maintainer scripts ask /usr/sbin/policy-rc.d, so one that forbids everything
// (exit 101) is put in place for the install if the machine has none, and removed afterwards.
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { run } from '../lab/netns.js';
import { HEARTBEAT_BIN } from './heartbeat.js';

const PACKAGES: { name: string; provides: string }[] = [
  { name: 'heartbeat', provides: HEARTBEAT_BIN },
  { name: 'keepalived', provides: '/usr/sbin/keepalived' },
  { name: 'stress-ng', provides: '/usr/bin/stress-ng' },
  { name: 'nftables', provides: '/usr/sbin/nft' },
];
const POLICY_RC_D = '/usr/sbin/policy-rc.d';

/** Installs whatever is missing; returns the packages it installed. */
export async function ensurePackages(say: (text: string) => void): Promise<string[]> {
  const missing = PACKAGES.filter((p) => !existsSync(p.provides)).map((p) => p.name);
  if (missing.length === 0) return [];
  say(`installing ${missing.join(', ')} from Debian's packages (apt-get)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const ownPolicy = !existsSync(POLICY_RC_D);
  if (ownPolicy) writeFileSync(POLICY_RC_D, '#!/bin/sh\n# twinbeat bench: no service starts during its package install\nexit 101\n', { mode: 0o755 });
  try {
    await run(['apt-get', 'update', '-q'], { env, timeoutMs: 300_000 });
    await run(['apt-get', 'install', '-y', '-q', '--no-install-recommends', ...missing], { env, timeoutMs: 600_000 });
  } finally {
    if (ownPolicy) rmSync(POLICY_RC_D, { force: true });
  }
  return missing;
}

/** Versions of the reference systems, for the results. */
export async function versions(): Promise<Record<string, string>> {
  const first = async (argv: string[]): Promise<string> => {
    const r = await run(argv, { allowFail: true });
    return (r.stdout || r.stderr).split('\n')[0]?.trim() ?? '';
  };
  return {
    heartbeat: await first([HEARTBEAT_BIN, '-V']),
    keepalived: await first(['keepalived', '--version']),
    'stress-ng': await first(['stress-ng', '--version']),
    node: process.version,
  };
}
