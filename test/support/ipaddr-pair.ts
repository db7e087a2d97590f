// Shared by the IPaddr integration tests: two namespaces joined by a veth pair, resources.d
// copied into a root-owned temp directory, and IPaddr run inside either namespace the way
// twinbeat runs it (`IPaddr ARG ACTION`, TB_RUN_DIR kept in a temp directory).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Netns, vethPair } from '../../scripts/lab/netns.js';
import type { RunResult } from '../../scripts/lab/process.js';
import { copyScripts, type ScriptDir } from './scripts.js';

export interface IpaddrPair {
  a: Netns;
  b: Netns;
  devA: string;
  devB: string;
  scripts: ScriptDir;
  runDir: string;
  /** Runs IPaddr (or `script`, e.g. IPv6addr) in `ns` with TB_RUN_DIR set, never throwing on a non-zero exit. */
  ipaddr(ns: Netns, arg: string, action: string, env?: Record<string, string>, script?: string): Promise<RunResult>;
  destroy(): Promise<void>;
}

/** Namespaces `<prefix>-a`/`-b`, veths `<prefix>-va`/`-vb` addressed `<net>.1/24` and `<net>.2/24`. */
export async function createIpaddrPair(prefix: string, net: string, setup?: (ns: Netns) => Promise<unknown>): Promise<IpaddrPair> {
  const scripts = copyScripts();
  const runDir = mkdtempSync(join(tmpdir(), `${prefix}-run-`));
  const created: Netns[] = [];
  const destroy = async () => {
    for (const ns of created) await ns.destroy();
    scripts.remove();
    rmSync(runDir, { recursive: true, force: true });
  };
  try {
    const a = await Netns.create(`${prefix}-a`);
    created.push(a);
    const b = await Netns.create(`${prefix}-b`);
    created.push(b);
    for (const ns of created) await setup?.(ns);
    const devA = `${prefix}-va`;
    const devB = `${prefix}-vb`;
    await vethPair({ ns: a, ifname: devA, cidr: `${net}.1/24` }, { ns: b, ifname: devB, cidr: `${net}.2/24` });
    const ipaddr = (ns: Netns, arg: string, action: string, env: Record<string, string> = {}, script = 'IPaddr') => {
      const vars = Object.entries({ TB_RUN_DIR: runDir, ...env }).map(([k, v]) => `${k}=${v}`);
      return ns.exec(['env', ...vars, scripts.path(script), arg, action], { allowFail: true });
    };
    return { a, b, devA, devB, scripts, runDir, ipaddr, destroy };
  } catch (err) {
    await destroy();
    throw err;
  }
}

/** The MAC address of `dev` inside `ns`, lower case. */
export async function macOf(ns: Netns, dev: string): Promise<string> {
  const out = (await ns.exec(['ip', '-o', 'link', 'show', 'dev', dev])).stdout;
  return /link\/ether ([0-9a-f:]{17})/.exec(out)![1]!;
}
