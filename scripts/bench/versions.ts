// The versions of the reference systems the bench compares against, for its results. They are
// installed by the bench's preflight (lab/requirements.ts). May touch: runs each with --version.
import { run } from '../lab/process.js';
import { HEARTBEAT_BIN } from './heartbeat.js';
import { labPaths } from '../lab/lab.js';

/** Versions of the reference systems, for the results. */
export async function versions(): Promise<Record<string, string>> {
  const first = async (argv: string[]): Promise<string> => {
    const r = await run(argv, { allowFail: true });
    return (r.stdout || r.stderr).split('\n')[0]?.trim() ?? '';
  };
  return {
    // Which build the lab ran (TWINBEAT_ROOT points the bench at another checkout).
    twinbeat: `${labPaths.cli} (${labPaths.nodeFlags.join(' ')})`,
    heartbeat: await first([HEARTBEAT_BIN, '-V']),
    keepalived: await first(['keepalived', '--version']),
    'stress-ng': await first(['stress-ng', '--version']),
    node: process.version,
  };
}
