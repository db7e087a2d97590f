// Test helper (not a test): a systemd-notify stand-in that records each call as
// "NOTIFY_SOCKET|arguments" in a file in its own temp directory (removed after the test).
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A systemd-notify stand-in: appends "NOTIFY_SOCKET|args" to a file, one line per call. */
export function fakeSystemdNotify(t: { after(fn: () => void): void }, exitCode = 0): { command: string; dir: string; calls: () => string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'tb-notify-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const command = join(dir, 'systemd-notify');
  const record = join(dir, 'calls');
  writeFileSync(command, `#!/bin/sh\necho "$NOTIFY_SOCKET|$*" >>'${record}'\nexit ${exitCode}\n`);
  chmodSync(command, 0o755);
  return { command, dir, calls: () => (existsSync(record) ? readFileSync(record, 'utf8').split('\n').filter(Boolean) : []) };
}

