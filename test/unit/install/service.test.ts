// scripts/twinbeat.service: systemd-analyze verify accepts it as install.sh renders it (its
// man: links resolve to the generated pages), rejects a broken copy (the check bites), and the
// settings the daemon's behaviour relies on are there. Temp files only; no systemd needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../support/paths.js';
import { missingSkipReason } from '../../../scripts/lab/requirements.js';
import { CONFIG_REFUSED_EXIT } from '../../../src/daemon/systemd.js';

const unit = readFileSync(join(repoRoot, 'scripts/twinbeat.service'), 'utf8');

/** The unit as install.sh writes it, with a stand-in twinbeat so ExecStart= is executable. */
function rendered(t: { after(fn: () => void): void }, text = unit): string {
  const dir = mkdtempSync(join(tmpdir(), 'tb-unit-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'bin'));
  writeFileSync(join(dir, 'bin/twinbeat'), '#!/bin/sh\n');
  chmodSync(join(dir, 'bin/twinbeat'), 0o755);
  const path = join(dir, 'twinbeat.service');
  writeFileSync(path, text.replaceAll('@BINDIR@', join(dir, 'bin')).replaceAll('@LIBDIR@', join(dir, 'lib')).replaceAll('@CONFDIR@', join(dir, 'etc')));
  return path;
}

function verify(path: string) {
  return spawnSync('systemd-analyze', ['verify', path], { encoding: 'utf8', env: { ...process.env, MANPATH: join(repoRoot, 'scripts/man') } });
}

test('systemd-analyze verify accepts the unit, and rejects a broken one', { skip: missingSkipReason(['systemd-analyze', 'man']) }, (t) => {
  const good = verify(rendered(t));
  assert.equal(good.status, 0, good.stderr);
  assert.equal(good.stderr.trim(), '');
  const broken = verify(rendered(t, unit.replace(/^Type=notify$/m, 'Type=notifyy').replace('Documentation=man:twinbeat(8)', 'Documentation=man:twinbeat-nope(8)')));
  assert.notEqual(broken.status, 0);
  assert.match(broken.stderr, /Failed to parse service type/);
  assert.match(broken.stderr, /man twinbeat-nope\(8\)/);
});

/** The optional hardening drop-in scripts/README.md shows (its code block under the unit's settings). */
function readmeDropIn(): string {
  const readme = readFileSync(join(repoRoot, 'scripts/README.md'), 'utf8');
  const block = /this drop-in \(`systemctl edit twinbeat`\)[^`]*```\n([\s\S]*?)\n\s*```/.exec(readme);
  assert.ok(block, 'scripts/README.md shows the hardening drop-in');
  return block[1]!.split('\n').map((l) => l.trim()).join('\n');
}

test('the README\'s hardening drop-in verifies, keeps the capabilities the daemon needs and never restricts realtime', { skip: missingSkipReason(['systemd-analyze', 'man']) }, (t) => {
  const dropIn = readmeDropIn();
  assert.match(dropIn, /^\[Service\]\n/);
  const caps = /^CapabilityBoundingSet=(.*)$/m.exec(dropIn)?.[1]?.split(' ') ?? [];
  // ip addr (IPaddr), arping/ping, port 694, SCHED_FIFO: the unit's own comment lists the same set.
  for (const cap of ['CAP_NET_ADMIN', 'CAP_NET_RAW', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_NICE']) assert.ok(caps.includes(cap), cap);
  for (const cap of caps) assert.match(unit, new RegExp(`^#\\s+(CAP_\\w+\\s+)*${cap}\\b`, 'm'), `${cap} is explained in the unit`);
  assert.doesNotMatch(dropIn, /RestrictRealtime|NoNewPrivileges|PrivateNetwork|RestrictAddressFamilies/);
  // The unit with the drop-in's settings appended to [Service], as systemd would merge them.
  const merged = unit.replace('\n[Install]', `\n${dropIn.replace('[Service]\n', '')}\n\n[Install]`);
  const r = verify(rendered(t, merged));
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr.trim(), '');
});

test('the settings the daemon relies on are in the unit', () => {
  const settings = new Map<string, string[]>();
  for (const line of unit.split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (m) settings.set(m[1]!, [...(settings.get(m[1]!) ?? []), m[2]!]);
  }
  const one = (key: string) => {
    assert.equal(settings.get(key)?.length, 1, key);
    return settings.get(key)![0]!;
  };
  assert.equal(one('Type'), 'notify');
  assert.equal(one('NotifyAccess'), 'all');
  assert.match(one('WatchdogSec'), /^\d+$/);
  assert.equal(one('ExecStartPre'), '-@BINDIR@/twinbeat -c @CONFDIR@ check', 'diagnostics only: the daemon refuses with 78');
  assert.equal(one('ExecStart'), '@BINDIR@/twinbeat -c @CONFDIR@ start -f');
  assert.equal(one('ExecReload'), '@BINDIR@/twinbeat -c @CONFDIR@ reload', 'synchronous: waits for the daemon');
  assert.equal(one('RestartPreventExitStatus'), String(CONFIG_REFUSED_EXIT));
  assert.equal(one('RuntimeDirectory'), 'twinbeat');
  assert.equal(one('RuntimeDirectoryPreserve'), 'yes');
  assert.equal(one('KillMode'), 'process');
  assert.match(one('OOMScoreAdjust'), /^-\d+$/);
  assert.match(one('LimitNOFILE'), /^\d+$/);
  // Hardening that would break SCHED_FIFO, ip, arping or arbitrary resource scripts stays out.
  for (const key of ['RestrictRealtime', 'CapabilityBoundingSet', 'NoNewPrivileges', 'ProtectSystem', 'PrivateTmp', 'SystemCallFilter', 'PrivateNetwork', 'RestrictAddressFamilies']) {
    assert.equal(settings.has(key), false, key);
  }
});
