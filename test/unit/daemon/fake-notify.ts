// Test helper (not a test): a systemd-notify stand-in that records each call as
// "NOTIFY_SOCKET|arguments" in a file in its own temp directory (removed after the test), and
// when each call started.
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A systemd-notify stand-in: appends "NOTIFY_SOCKET|args" to a file, one line per call. */
export function fakeSystemdNotify(t: { after(fn: () => void): void }, exitCode = 0): { command: string; dir: string; calls: () => string[]; times: () => number[] } {
  const dir = mkdtempSync(join(tmpdir(), 'tb-notify-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const command = join(dir, 'systemd-notify');
  const record = join(dir, 'calls');
  const stamps = join(dir, 'times');
  writeFileSync(command, `#!/bin/sh\ndate +%s%3N >>'${stamps}'\necho "$NOTIFY_SOCKET|$*" >>'${record}'\nexit ${exitCode}\n`);
  chmodSync(command, 0o755);
  const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);
  // times()[i] (wall clock, ms) was taken when call i started, before calls() shows it.
  return { command, dir, calls: () => lines(record), times: () => lines(stamps).map(Number) };
}

