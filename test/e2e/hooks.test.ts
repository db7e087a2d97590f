// Hooks in the real world (issue 12 hole 7): a hung remote-failure notifier runs in its own lane
// and must not delay the fence and the takeover behind it. Real daemons in the lab; the hook
// scripts live in a private temporary directory (root-owned, 0700: they pass the safety check).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lab } from '../../scripts/lab/lab.js';
import { rootSkipReason } from '../../scripts/lab/netns.js';

/** Far longer than the bound below: on the old single hook queue the fence waited for it. */
const NOTIFIER_HANGS_S = 40;
/** deadtime 2 s + bravo's tie delay (fencing configured, alpha owns the group) + fence + IPaddr start, loaded CI. */
const TAKEOVER_BOUND_MS = 15_000;

function script(dir: string, name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

test('a hung remote-failure notifier does not delay the fenced takeover', { skip: rootSkipReason }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tb-hooks-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const fenced = join(dir, 'fenced');
  const fence = script(dir, 'fence', `touch ${fenced}`);
  const notify = script(dir, 'notify', `sleep ${NOTIFIER_HANGS_S}`);
  const lab = await Lab.create({ deadtime: '2', warntime: '1', extraHaCf: [`tb_hook fence ${fence}`, `tb_hook remote-failure ${notify}`] });
  t.after(() => lab.destroy());
  await lab.startCluster();
  await lab.waitForHolders(['alpha'], 30_000);
  const offAt = Date.now();
  await lab.powerOff('alpha');
  await lab.waitForHolders(['bravo'], TAKEOVER_BOUND_MS).catch((err: Error) => {
    throw new Error(`${err.message}\n${lab.logTails(30)}`);
  });
  const tookMs = Date.now() - offAt;
  assert.ok(tookMs < TAKEOVER_BOUND_MS, `takeover took ${tookMs} ms`);
  assert.ok(existsSync(fenced), 'the fence hook ran before the takeover');
});
