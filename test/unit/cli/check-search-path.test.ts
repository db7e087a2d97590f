// `twinbeat -c DIR check` finds haresources scripts in DIR/resource.d (Heartbeat keeps its
// resource directory in its config directory) and says where it looked; the search path
// itself is src/resources/locate.ts scriptSearchPath.
// Touches only temp config directories it creates (config/stage.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCheckCommand } from '../../../src/cli/commands/check.js';
import { packageResourcesDir, scriptSearchPath } from '../../../src/resources/locate.js';
import type { CliCommand, GlobalOptions } from '../../../src/cli/command.js';
import { stage } from '../config/stage.js';

async function run(cmd: CliCommand, global: GlobalOptions, args: string[] = []) {
  let out = '';
  let err = '';
  const code = await cmd.run(global, args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

test('search path: -c DIR adds DIR/resource.d before /etc/ha.d/resource.d; /etc/ha.d itself changes nothing', () => {
  assert.deepEqual(scriptSearchPath('/srv/cluster'), [packageResourcesDir(), '/srv/cluster/resource.d', '/etc/ha.d/resource.d', '/etc/init.d']);
  assert.deepEqual(scriptSearchPath('/etc/ha.d'), scriptSearchPath());
  assert.deepEqual(scriptSearchPath('/etc/ha.d/'), scriptSearchPath(), 'a trailing slash is the same directory');
});

test('check -c DIR: a script only in DIR/resource.d is found, and the output names every directory searched', async (t) => {
  const s = stage('valid', 'minimal');
  t.after(() => s.remove());
  mkdirSync(join(s.dir, 'resource.d'), { recursive: true });
  chmodSync(join(s.dir, 'resource.d'), 0o755);
  writeFileSync(join(s.dir, 'resource.d', 'tbOnlyHere'), '#!/bin/sh\nexit 0\n');
  chmodSync(join(s.dir, 'resource.d', 'tbOnlyHere'), 0o755);
  writeFileSync(join(s.dir, 'haresources'), 'alpha tbOnlyHere::x\n');
  const r = await run(createCheckCommand(), { configDir: '/etc/ha.d', node: 'alpha', json: false }, ['-c', s.dir]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, new RegExp(`1\\. tbOnlyHere::x\\s+heartbeat\\s+${join(s.dir, 'resource.d', 'tbOnlyHere')}\\n`));
  assert.ok(r.out.includes(`resource scripts searched in: ${scriptSearchPath(s.dir).join(', ')}\n`), r.out);
  const json = await run(createCheckCommand(), { configDir: s.dir, node: 'alpha', json: true });
  assert.deepEqual(JSON.parse(json.out).scriptSearchPath, scriptSearchPath(s.dir));
});

test('check: a script that is nowhere says so once, naming the directories searched', async (t) => {
  const s = stage('valid', 'minimal');
  t.after(() => s.remove());
  writeFileSync(join(s.dir, 'haresources'), 'alpha tbNowhere\n');
  const r = await run(createCheckCommand(), { configDir: s.dir, node: 'alpha', json: false });
  assert.equal(r.code, 1);
  const line = r.err.split('\n').find((l) => l.includes('tbNowhere'))!;
  assert.equal(line, `${join(s.dir, 'haresources')}:1: tbNowhere: expected an executable script tbNowhere, got none (Cannot locate resource script tbNowhere (searched ${scriptSearchPath(s.dir).join(', ')}))`);
});
