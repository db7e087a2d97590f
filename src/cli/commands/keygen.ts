// `twinbeat keygen`: write DIR/authkeys with a fresh random sha256 key, mode 0600, atomically
// (temporary file in the same directory, fsync, rename), so a half-written key file never exists.
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fchmodSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { CliCommand, GlobalOptions, Io } from '../command.js';
import { ExitCode } from '../command.js';
import { parseArgs, usageError, UsageError } from '../args.js';
import { configFiles } from '../../config/load.js';

const help = `usage: twinbeat keygen [-c DIR] [--force]

Writes DIR/authkeys (default DIR: /etc/ha.d) containing
    auth 1
    1 sha256 <64 random hex digits>
with mode 0600, atomically. Copy the same file to the peer (e.g. scp -p); both nodes must share
it. Refuses to replace an existing authkeys unless --force is given.
Exit status: 0 written, 1 refused or failed, 2 usage error.`;

export const keygenCommand: CliCommand = {
  name: 'keygen',
  summary: 'write a new authkeys with a random sha256 key (mode 0600)',
  help,
  run: runKeygen,
};

export function authkeysText(keyHex: string): string {
  return [
    '# twinbeat authkeys: must be identical on both nodes, mode 0600, owned by root.',
    '# auth N selects the key that signs; every key listed is accepted (for rollover).',
    'auth 1',
    `1 sha256 ${keyHex}`,
    '',
  ].join('\n');
}

async function runKeygen(global: GlobalOptions, args: string[], io: Io): Promise<number> {
  let dir = global.configDir;
  let force = false;
  try {
    const parsed = parseArgs(args, { flags: { '--force': 'force', '-f': 'force' }, values: { '-c': 'dir', '--config': 'dir' } });
    dir = parsed.values.get('dir') ?? dir;
    force = parsed.flags.has('force');
  } catch (err) {
    if (err instanceof UsageError) return usageError(io, 'keygen', err.message, help);
    throw err;
  }
  const file = join(dir, configFiles.authkeys);
  if (existsSync(file) && !force) {
    io.err(`twinbeat keygen: ${file} already exists; not replacing it (use --force, then copy the new file to the peer)\n`);
    return ExitCode.failed;
  }
  const temp = join(dir, `.authkeys.${process.pid}.tmp`);
  try {
    const fd = openSync(temp, 'wx', 0o600);
    try {
      fchmodSync(fd, 0o600);
      writeSync(fd, authkeysText(randomBytes(32).toString('hex')));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch (err) {
    rmSync(temp, { force: true });
    io.err(`twinbeat keygen: cannot write ${file}: ${(err as Error).message}\n`);
    return ExitCode.failed;
  }
  io.out(`wrote ${file} (auth 1, sha256, mode 0600); copy it unchanged to the peer, e.g. scp -p ${file} PEER:${file}\n`);
  return ExitCode.ok;
}
