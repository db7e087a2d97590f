// Test helper (not a test): may this test drop to the unprivileged user `nobody` and still run the
// CLI? Needs root, setpriv, and a checkout nobody can read: one under a 0700 directory (root's
// home, a mktemp -d) cannot be, and the test then skips with a one-line reason. Runs setpriv once.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { cliPath } from './paths.js';

export const SETPRIV = '/usr/bin/setpriv';
/** setpriv arguments that become nobody (uid and gid 65534, no supplementary groups). */
export const AS_NOBODY = ['--reuid=65534', '--regid=65534', '--clear-groups'];

function reason(): string | false {
  if (process.geteuid?.() !== 0) return 'needs root (to drop to nobody)';
  if (!existsSync(SETPRIV)) return 'needs setpriv (util-linux)';
  const probe = spawnSync(SETPRIV, [...AS_NOBODY, process.execPath, '-e', `require('fs').accessSync(${JSON.stringify(cliPath)}, require('fs').constants.R_OK)`], { timeout: 10_000 });
  return probe.status === 0 ? false : `nobody cannot read ${cliPath} (the checkout is under a directory closed to others): run from a world-readable path`;
}

/** false when the test can run as nobody, else why not (node:test's skip option). */
export const nobodySkipReason: string | false = reason();
