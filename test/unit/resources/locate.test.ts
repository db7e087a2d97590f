// Finding resource scripts (src/resources/locate.ts): the search path and order, and the safety
// check (owner, mode, symlinks) with its fix. Touches only temp directories it creates (files,
// modes, owners) and removes them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkScriptSafety, locateScript, resolveScript, scriptSearchPath } from '../../../src/resources/locate.js';
import { repoRoot } from '../../support/paths.js';

const isRoot = process.geteuid?.() === 0;

function tempTree(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'tb4-locate-'));
  chmodSync(dir, 0o755);
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function script(path: string, mode = 0o755): string {
  writeFileSync(path, '#!/bin/sh\nexit 0\n');
  chmodSync(path, mode);
  return path;
}

test('default search path: the package resources.d (found from the compiled module), then Heartbeat\'s', () => {
  assert.deepEqual(scriptSearchPath(), [join(repoRoot, 'resources.d'), '/etc/ha.d/resource.d', '/etc/init.d']);
  assert.deepEqual(locateScript('IPaddr'), { path: join(repoRoot, 'resources.d', 'IPaddr'), class: 'heartbeat' });
  assert.deepEqual(locateScript('Dummy'), { path: join(repoRoot, 'resources.d', 'Dummy'), class: 'heartbeat' });
});

test('search order: first directory wins; init.d scripts are LSB; missing or non-executable is null', (t) => {
  const root = tempTree(t);
  const [a, b, initd] = ['resources.d', 'resource.d', 'init.d'].map((d) => join(root, d));
  for (const d of [a!, b!, initd!]) mkdirSync(d);
  script(join(b!, 'svc'));
  script(join(initd!, 'svc'));
  script(join(initd!, 'only-lsb'));
  script(join(a!, 'not-exec'), 0o644);
  const path = [a!, b!, initd!];
  assert.deepEqual(locateScript('svc', path), { path: join(b!, 'svc'), class: 'heartbeat' });
  assert.deepEqual(locateScript('only-lsb', path), { path: join(initd!, 'only-lsb'), class: 'lsb' });
  assert.equal(locateScript('not-exec', path), null);
  assert.equal(locateScript('absent', path), null);
  assert.equal(locateScript('../init.d/svc', path), null, 'a name is never a path');
  assert.deepEqual(resolveScript(join(initd!, 'svc'), path), { path: join(initd!, 'svc'), class: 'lsb' });
});

test('safety: a root-owned 0755 script in a root-owned tree passes', (t) => {
  const root = tempTree(t);
  assert.deepEqual(checkScriptSafety(script(join(root, 'good'))), { ok: true });
});

test('safety: group- or world-writable script refused, with the chmod that fixes it', (t) => {
  const root = tempTree(t);
  const ww = script(join(root, 'ww'), 0o757);
  const gw = script(join(root, 'gw'), 0o775);
  const r1 = checkScriptSafety(ww);
  assert.equal(r1.ok, false);
  assert.match((r1 as { reason: string }).reason, new RegExp(`script ${ww} is writable by others \\(mode 0757\\); fix: chmod go-w ${ww}$`));
  const r2 = checkScriptSafety(gw);
  assert.match((r2 as { reason: string }).reason, /writable by group \(mode 0775\); fix: chmod go-w /);
});

test('safety: a writable parent directory is refused unless it has the sticky bit', (t) => {
  const root = tempTree(t);
  const open = join(root, 'open');
  mkdirSync(open);
  chmodSync(open, 0o777);
  const s = script(join(open, 's'));
  const r = checkScriptSafety(s);
  assert.equal(r.ok, false);
  assert.match((r as { reason: string }).reason, new RegExp(`directory ${open} is writable by group and others \\(mode 0777\\); fix: chmod go-w ${open}$`));
  chmodSync(open, 0o1777);
  assert.deepEqual(checkScriptSafety(s), { ok: true });
});

test('safety: a script owned by another user is refused, with the chown that fixes it', { skip: isRoot ? false : 'needs root to chown' }, (t) => {
  const root = tempTree(t);
  const s = script(join(root, 'theirs'));
  chownSync(s, 65534, 65534);
  const r = checkScriptSafety(s);
  assert.equal(r.ok, false);
  assert.match((r as { reason: string }).reason, new RegExp(`script ${s} is owned by uid 65534, not root; fix: chown root ${s}$`));
});

test('safety: a symlink is judged by its target, and the reason names both', (t) => {
  const root = tempTree(t);
  const target = script(join(root, 'target'), 0o777);
  const link = join(root, 'link');
  symlinkSync(target, link);
  const r = checkScriptSafety(link);
  assert.equal(r.ok, false);
  assert.match((r as { reason: string }).reason, new RegExp(`^refusing ${link} \\(symlink to ${target}\\): script ${target} is writable`));
});

test('safety: missing, relative and non-executable paths are refused', (t) => {
  const root = tempTree(t);
  assert.deepEqual(checkScriptSafety(join(root, 'nope')), { ok: false, reason: `no such script: ${join(root, 'nope')}`, problem: 'no such file' });
  assert.equal(checkScriptSafety('relative/x').ok, false);
  const plain = script(join(root, 'plain'), 0o644);
  assert.match((checkScriptSafety(plain) as { reason: string }).reason, /not an executable regular file; fix: chmod 755/);
  assert.equal(checkScriptSafety(root).ok, false, 'a directory is not a script');
});
