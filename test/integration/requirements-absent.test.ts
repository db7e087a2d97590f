// A fresh machine, simulated: the Debian packages the demo and the tests need are hidden from
// the real entry points (`node dist/scripts/lab/requirements.js`, the demo, the bench) and what
// they then say and run is checked. Each run is a private mount namespace (`unshare -m`): every
// copy of a hidden command on PATH gets an empty, non-executable file bind-mounted over it, and
// apt-get is a stub that logs its arguments and "installs" by removing those mounts (or fails,
// or is hidden too). Nothing is installed or removed on this machine, and nothing outside the
// namespace sees the hiding (checked). The real removal and reinstall is CI's: .ci/run on a
// machine without the packages.
// May touch: a temporary directory (removed), mounts inside its own mount namespaces only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasCommand, installCommand, missingFor, packagesOf } from '../../scripts/lab/requirements.js';
import { repoRoot } from '../support/paths.js';
import { AS_NOBODY, SETPRIV, nobodySkipReason } from '../support/unprivileged.js';

const requirementsJs = join(repoRoot, 'dist/scripts/lab/requirements.js');
const demoJs = join(repoRoot, 'dist/scripts/lab/demo.js');
const benchJs = join(repoRoot, 'dist/scripts/bench/main.js');

const skip = process.getuid?.() !== 0 ? 'needs root (mount namespaces)' : !hasCommand('unshare') ? 'needs unshare (util-linux)' : false;

/** What the stub apt-get does when asked to install. */
type Apt = 'installs' | 'installs-nothing' | 'fails' | 'absent';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Each apt-get call, one line of arguments each. */
  apt: string[];
}

// Runs in the new mount namespace as root: hides every PATH copy of each command in $HIDE, puts
// the stub over apt-get (or hides it), then execs the command line given as arguments.
const SETUP = `set -eu
dir=$1; shift
for c in $HIDE; do
  for d in $(echo "$PATH" | tr ':' ' '); do
    [ -x "$d/$c" ] || continue
    real=$(readlink -f "$d/$c")
    grep -qxF "$real" "$dir/hidden" 2>/dev/null && continue
    mount --bind "$dir/empty" "$real"
    echo "$real" >> "$dir/hidden"
  done
  ! command -v "$c" >/dev/null || { echo "setup: $c still found" >&2; exit 99; }
done
apt=$(readlink -f "$(command -v apt-get)")
if [ "$APT" = absent ]; then mount --bind "$dir/empty" "$apt"; else mount --bind "$dir/apt-get" "$apt"; fi
exec "$@"
`;

// The stub: logs its arguments; install removes the hiding mounts (the packages "arrive").
const STUB = `#!/bin/sh
echo "$*" >> "$DIR/apt.log"
case " $* " in
  *" install "*)
    case "$APT" in
      fails) echo "E: Unable to locate package (stub)" >&2; exit 100 ;;
      installs) while read -r p; do umount "$p"; done < "$DIR/hidden" ;;
    esac ;;
esac
exit 0
`;

function hidden(t: { after: (fn: () => void) => void }, hide: string[], apt: Apt, argv: string[]): Run {
  const dir = mkdtempSync(join(tmpdir(), 'a16-absent-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  chmodSync(dir, 0o755); // nobody runs in here too
  writeFileSync(join(dir, 'empty'), '', { mode: 0o644 });
  writeFileSync(join(dir, 'apt-get'), STUB, { mode: 0o755 });
  writeFileSync(join(dir, 'hidden'), '');
  const r = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', SETUP, 'sh', dir, ...argv], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, HIDE: hide.join(' '), APT: apt, DIR: dir },
  });
  const log = join(dir, 'apt.log');
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, apt: existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [] };
}

const APT_OPTS = '-o DPkg::Lock::Timeout=300';
const DEMO_HIDDEN = ['socat', 'ip', 'bridge', 'arping', 'ping'];
const DEMO_PACKAGES = ['iproute2', 'socat', 'iputils-arping', 'iputils-ping'];

test('root with apt-get, demo packages missing: one line says what is installed, apt-get installs exactly those, then ok', { skip, timeout: 120_000 }, (t) => {
  const run = hidden(t, DEMO_HIDDEN, 'installs', [process.execPath, requirementsJs, 'demo']);
  assert.equal(run.stderr, `demo: installing ${DEMO_PACKAGES.join(' ')} with apt-get (demo needs ip, bridge, socat, arping, ping)\n`);
  assert.equal(run.code, 0);
  assert.deepEqual(run.apt, [`${APT_OPTS} update -q`, `${APT_OPTS} install -y -q --no-install-recommends ${DEMO_PACKAGES.join(' ')}`]);
  // The hiding stayed inside the namespace.
  for (const c of DEMO_HIDDEN) assert.equal(hasCommand(c), true, `${c} is still installed out here`);
});

test('root with apt-get, everything present: nothing said, apt-get never run', { skip, timeout: 120_000 }, (t) => {
  const run = hidden(t, [], 'installs', [process.execPath, requirementsJs, 'tests']);
  assert.deepEqual(run, { code: 0, stdout: '', stderr: '', apt: [] });
});

test('apt-get fails, or installs nothing: the one line, then why and the exact command; exit 1', { skip, timeout: 120_000 }, (t) => {
  const failed = hidden(t, ['socat'], 'fails', [process.execPath, requirementsJs, 'tests']);
  assert.equal(failed.code, 1);
  const lines = failed.stderr.split('\n');
  assert.equal(lines[0], 'tests: installing socat with apt-get (tests needs socat)');
  assert.equal(lines[1], `tests: apt-get could not install socat (still missing: socat); try: ${installCommand(['socat'])}`);
  assert.match(failed.stderr, /E: Unable to locate package \(stub\)/);
  const nothing = hidden(t, ['socat'], 'installs-nothing', [process.execPath, requirementsJs, 'tests']);
  assert.equal(nothing.code, 1);
  assert.equal(nothing.stderr.split('\n')[1], `tests: apt-get could not install socat (still missing: socat); try: ${installCommand(['socat'])}`);
});

test('root without apt-get: stops with the exact command, installs nothing', { skip, timeout: 120_000 }, (t) => {
  const run = hidden(t, ['socat', 'arping'], 'absent', [process.execPath, requirementsJs, 'demo']);
  assert.equal(run.code, 1);
  assert.equal(
    run.stderr,
    `demo: needs socat (the lab's null-modem serial cable), arping (IPaddr: duplicate-address detection and gratuitous ARP); install them (Debian: ${installCommand(['socat', 'iputils-arping'])})\n`,
  );
  assert.deepEqual(run.apt, []);
});

test('not root: stops with the exact command to run as root, apt-get never run', { skip: skip || nobodySkipReason, timeout: 120_000 }, (t) => {
  const run = hidden(t, ['socat'], 'installs', [SETPRIV, ...AS_NOBODY, process.execPath, requirementsJs, 'tests']);
  assert.equal(run.code, 1);
  assert.equal(run.stderr, `tests: needs socat (the lab's null-modem serial cable); run as root: ${installCommand(['socat'])}\n`);
  assert.deepEqual(run.apt, []);
});

test('the demo and the bench take the same path: the one line, then the same refusal when apt-get fails', { skip, timeout: 120_000 }, (t) => {
  const demo = hidden(t, ['socat'], 'fails', [process.execPath, demoJs]);
  assert.equal(demo.code, 2);
  assert.match(demo.stdout, /^\[ +[\d.]+s\] installing socat with apt-get \(demo needs socat\)\n$/);
  assert.match(demo.stderr, /^demo: apt-get could not install socat \(still missing: socat\); try: apt-get update && apt-get install -y --no-install-recommends socat\n/);
  const benchHidden = ['nft', 'socat'];
  const bench = hidden(t, benchHidden, 'fails', [process.execPath, benchJs, '--quick']);
  assert.equal(bench.code, 2);
  // What the bench finds missing: the two hidden here, plus whatever bench-only package this
  // machine lacks anyway (a fresh CI machine has no heartbeat or keepalived).
  const rows = missingFor('bench', { root: true, has: (c) => !benchHidden.includes(c) && hasCommand(c) });
  assert.ok(rows.some((r) => r.command === 'socat') && rows.some((r) => r.command === 'nft'), rows.map((r) => r.command).join(' '));
  const packages = packagesOf(rows).join(' ');
  const commands = rows.map((r) => r.command).join(', ');
  const said = `installing ${packages} with apt-get (bench needs ${commands})\nbench: apt-get could not install ${packages} (still missing: ${commands}); try: ${installCommand(packagesOf(rows))}\n`;
  assert.match(bench.stderr, /^\[ +\d+s\] /);
  assert.equal(bench.stderr.replace(/^\[ +\d+s\] /, '').slice(0, said.length), said);
  assert.equal(bench.apt.length, 2, 'update and install, nothing more');
});

test('npm test checks the requirements before any test runs', () => {
  const scripts = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const steps = scripts['test']!.split(' && ');
  const check = steps.indexOf('node dist/scripts/lab/requirements.js tests');
  assert.ok(check > 0, scripts['test']);
  assert.ok(steps.findIndex((s) => s.startsWith('node dist/scripts/run-tests.js')) > check, 'the check comes before the first test run');
});
