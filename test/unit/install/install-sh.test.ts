// scripts/install.sh into a DESTDIR temp directory (with the dist/ already built: --no-build),
// again (upgrade in place, configuration kept), then --uninstall; and what `npm pack` ships.
// Checks that nothing outside DESTDIR is touched (the real /usr/local and /etc). Runs sh, npm
// (production dependencies from npm's cache) and the installed CLI; writes only temp files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../support/paths.js';
import { missingSkipReason } from '../../../scripts/lab/requirements.js';
import { GENERATED_FILES } from '../../../scripts/man-pages.js';

const installSh = join(repoRoot, 'scripts/install.sh');
const REAL = ['/usr/local/lib/twinbeat', '/usr/local/bin/twinbeat', '/usr/local/bin/cl_status', '/usr/local/bin/hb_standby', '/etc/logrotate.d/twinbeat', '/etc/systemd/system/twinbeat.service', '/usr/local/share/man/man8/twinbeat.8', '/etc/ha.d'];

function snapshot(): string {
  return REAL.map((p) => (existsSync(p) ? `${p} ${lstatSync(p).mtimeMs}` : `${p} absent`)).join('\n');
}

function install(destdir: string, ...args: string[]) {
  return spawnSync('sh', [installSh, '--no-build', ...args], { encoding: 'utf8', env: { ...process.env, DESTDIR: destdir }, timeout: 300_000 });
}

function walk(dir: string, skip = (_: string) => false): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (skip(path)) continue;
    if (entry.isDirectory()) out.push(...walk(path, skip));
    else out.push(path);
  }
  return out;
}

test('install.sh into a DESTDIR, upgrade in place, then --uninstall; nothing outside DESTDIR touched', { skip: missingSkipReason(['npm']), timeout: 600_000 }, (t) => {
  const before = snapshot();
  const dest = mkdtempSync(join(tmpdir(), 'tb-install-'));
  t.after(() => rmSync(dest, { recursive: true, force: true }));
  const lib = join(dest, 'usr/local/lib/twinbeat');

  const first = install(dest);
  assert.equal(first.status, 0, first.stderr + first.stdout);
  assert.match(first.stdout, /no authkeys generated into a DESTDIR/);
  assert.equal(existsSync(join(dest, 'etc/ha.d/authkeys')), false, 'a package must not carry a key');

  // Links point at the final paths, not into DESTDIR.
  assert.equal(readlinkSync(join(dest, 'usr/local/bin/twinbeat')), '/usr/local/lib/twinbeat/dist/src/cli/main.js');
  assert.equal(readlinkSync(join(dest, 'usr/local/bin/cl_status')), '/usr/local/lib/twinbeat/dist/src/cli/cl-status.js');
  assert.equal(readlinkSync(join(dest, 'usr/local/bin/hb_standby')), '/usr/local/lib/twinbeat/share/heartbeat/hb_standby');
  assert.equal(readlinkSync(join(dest, 'usr/local/share/bash-completion/completions/cl_status')), 'twinbeat');
  // Generated files installed as generated; templates filled in.
  assert.equal(readFileSync(join(dest, 'usr/local/share/man/man8/twinbeat.8'), 'utf8'), GENERATED_FILES['scripts/man/man8/twinbeat.8']!());
  assert.equal(readFileSync(join(dest, 'usr/local/share/bash-completion/completions/twinbeat'), 'utf8'), GENERATED_FILES['scripts/completion/twinbeat.bash']!());
  const unit = readFileSync(join(dest, 'etc/systemd/system/twinbeat.service'), 'utf8');
  assert.match(unit, /^ExecStart=\/usr\/local\/bin\/twinbeat -c \/etc\/ha\.d start -f$/m);
  assert.doesNotMatch(unit, /@[A-Z]+@/);
  assert.match(readFileSync(join(dest, 'etc/logrotate.d/twinbeat'), 'utf8'), /^\t\t\/usr\/local\/bin\/twinbeat -c \/etc\/ha\.d reload /m);

  // The runtime tree: what runs, root-owned, not group/world writable, no dev dependency, no map.
  const files = walk(lib, (path) => path === join(lib, 'node_modules'));
  assert.ok(files.some((f) => f.endsWith('dist/src/cli/main.js')));
  assert.equal(files.filter((f) => f.endsWith('.map') || f.includes('/dist/test/') || f.includes('/dist/scripts/')).length, 0);
  assert.equal(existsSync(join(lib, 'node_modules/typescript')), false);
  assert.ok(existsSync(join(lib, 'node_modules/winston')));
  for (const f of files) assert.equal(statSync(f).mode & 0o022, 0, f);
  assert.equal(JSON.parse(readFileSync(join(lib, 'package.json'), 'utf8')).scripts, undefined, 'no prepare in the installed tree');

  // The installed CLI and shims run from there.
  const version = spawnSync(process.execPath, [join(lib, 'dist/src/cli/main.js'), '--version'], { encoding: 'utf8' });
  assert.match(version.stdout, /^twinbeat \d+\.\d+\.\d+\n$/);
  appendFileSync(join(dest, 'etc/ha.d/ha.cf'), `\ntb_control_socket ${join(dest, 'no-daemon.sock')}\n`);
  const clStatus = spawnSync(process.execPath, [join(lib, 'dist/src/cli/cl-status.js'), 'hbstatus'], { encoding: 'utf8', env: { ...process.env, TWINBEAT_CONFIG: join(dest, 'etc/ha.d') } });
  assert.deepEqual([clStatus.status, clStatus.stdout], [1, 'Heartbeat is stopped on this machine.\n'], clStatus.stderr);

  // Upgrade in place: the edited configuration is kept, the manifest rewritten (not appended).
  const again = install(dest);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, /keeping existing .*ha\.cf/);
  assert.match(readFileSync(join(dest, 'etc/ha.d/ha.cf'), 'utf8'), /no-daemon\.sock/);
  const manifest = readFileSync(join(lib, 'installed-files'), 'utf8').split('\n').filter(Boolean);
  assert.equal(new Set(manifest).size, manifest.length);
  assert.ok(manifest.every((p) => p.startsWith('/') && !p.startsWith(dest)), manifest.join('\n'));

  const removed = install(dest, '--uninstall');
  assert.equal(removed.status, 0, removed.stderr);
  assert.equal(existsSync(lib), false);
  for (const p of manifest) assert.equal(existsSync(join(dest, p)) || lstatExists(join(dest, p)), false, p);
  assert.ok(existsSync(join(dest, 'etc/ha.d/ha.cf')), 'configuration kept');
  const nothing = install(dest, '--uninstall');
  assert.equal(nothing.status, 1);
  assert.match(nothing.stderr, /nothing to uninstall/);

  assert.equal(snapshot(), before, 'the real /usr/local and /etc are untouched');
});

function lstatExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

test('install.sh refuses hostile paths before touching anything', () => {
  const cases: [string[], Record<string, string>, RegExp][] = [
    [['--prefix', 'relative'], { DESTDIR: '/tmp/x-never' }, /--prefix must be absolute/],
    [['--prefix', '/usr/local;rm -rf /'], { DESTDIR: '/tmp/x-never' }, /must be plain paths/],
    [['--confdir', '/etc/ha d'], { DESTDIR: '/tmp/x-never' }, /must be plain paths/],
    [[], { DESTDIR: 'relative/stage' }, /DESTDIR must be absolute/],
    [['--bogus'], {}, /unknown option --bogus/],
  ];
  for (const [args, env, message] of cases) {
    const r = spawnSync('sh', [installSh, '--no-build', ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
    assert.notEqual(r.status, 0, args.join(' '));
    assert.match(r.stderr, message);
  }
  assert.equal(existsSync('/tmp/x-never'), false);
});

test('npm pack ships only what runs: no tests, no bench or lab, no sources or maps', { skip: missingSkipReason(['npm']), timeout: 300_000 }, () => {
  // --ignore-scripts: `prepare` would rebuild; dist/ is built already.
  const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repoRoot, encoding: 'utf8', timeout: 240_000 });
  assert.equal(r.status, 0, r.stderr);
  const files = (JSON.parse(r.stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
  const unwanted = files.filter((f) => /^(test|src|dist\/test|dist\/scripts|scripts\/(bench|lab))\//.test(f) || /\.(ts|map)$/.test(f) || f.startsWith('.'));
  assert.deepEqual(unwanted, []);
  for (const wanted of ['dist/src/cli/main.js', 'dist/src/cli/cl-status.js', 'dist/src/daemon/main.js', 'dist/src/cli/schemas/status.schema.json', 'dist/src/cli/schemas/check.schema.json', 'resources.d/IPaddr', 'scripts/install.sh', 'scripts/twinbeat.service', 'scripts/twinbeat.logrotate', 'scripts/heartbeat/hb_standby', ...Object.keys(GENERATED_FILES), 'ha.cf', 'README.md']) {
    assert.ok(files.includes(wanted), wanted);
  }
  // Besides what runs, only the documents an installed copy points at: README.md (the unit's
  // Documentation=file:), LICENSE, and resources.d/README.md (how the scripts next to it are called,
  // for operators writing their own there). No other folder README, no developer notes.
  const runs = /^(dist\/src\/.+\.js|dist\/src\/cli\/schemas\/[a-z]+\.schema\.json|resources\.d\/[A-Za-z0-9]+|scripts\/(install\.sh|twinbeat\.service|twinbeat\.logrotate|heartbeat\/hb_(standby|takeover)|man\/man[58]\/twinbeat[a-z.-]*\.[58]|completion\/twinbeat\.bash)|ha\.cf|haresources|package\.json)$/;
  const documents = ['README.md', 'LICENSE', 'resources.d/README.md'];
  assert.deepEqual(files.filter((f) => !runs.test(f) && !documents.includes(f)), [], 'only what runs, and the documents listed');
  for (const doc of documents) assert.ok(files.includes(doc), doc);
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  assert.equal(pkg.scripts.prepare, 'tsc -p .', 'a git checkout or `npm pack` builds first');
});
