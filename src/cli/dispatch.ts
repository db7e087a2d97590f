// `twinbeat [GLOBAL OPTIONS] COMMAND [ARGS]`: global options, help, version, and dispatch to the
// CliCommand modules. In-process and side-effect free apart from what the command does, so
// tests run the whole CLI with captured output.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ExitCode, type CliCommand, type GlobalOptions, type Io } from './command.js';
import { UnreadableConfigError } from './runtime-paths.js';
import { usageError } from './args.js';
import { didYouMean } from '../config/errors.js';
import { packageVersion } from '../daemon/version.js';
import { DEFAULT_CONFIG_DIR } from '../config/config-dir.js';

/** uname -n, lower-cased. */
export function defaultNodeName(): string {
  return hostname().toLowerCase();
}

/**
 * This node's name when --node is not given, as Heartbeat 3.0.6 finds it (heartbeat.c
 * get_localnodeinfo()): the first line of the configuration directory's `nodeinfo` when that
 * file holds a complete, non-empty first line, else uname -n; lower-cased. (Heartbeat keeps
 * spaces, which no node line can match; they are trimmed here.)
 */
export function localNodeName(configDir: string): string {
  let text = '';
  try {
    text = readFileSync(join(configDir, 'nodeinfo'), { encoding: 'utf8', flag: 'r' }).slice(0, 256);
  } catch {
    // no nodeinfo (the usual case), or unreadable: uname -n, as Heartbeat
  }
  const newline = text.indexOf('\n');
  const first = newline > 0 ? text.slice(0, newline).trim() : '';
  return first !== '' ? first.toLowerCase() : defaultNodeName();
}

export function globalHelp(commands: readonly CliCommand[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return `usage: twinbeat [-c DIR] [--node NAME] [--json] COMMAND [ARGS]

Two-node failover in the Linux-HA Heartbeat tradition.

commands:
${commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

global options (also accepted after COMMAND):
  -c, --config DIR   configuration directory (default ${DEFAULT_CONFIG_DIR})
  --node NAME        this node's name (default: the first line of DIR/nodeinfo if
                     there is one, else uname -n; lower-cased, as Heartbeat)
  --json             machine-readable output where the command supports it
  -h, --help         this help; \`twinbeat COMMAND --help\` for a command's
  -V, --version      print the version

exit status: 0 ok, 1 failed/invalid/refused, 2 usage error, 3 daemon not running
(status: 0 healthy, 1 degraded, 2 critical, 3 unknown, usage errors included; see twinbeat status --help)`;
}

interface Split {
  global: GlobalOptions;
  command: string | null;
  rest: string[];
  help: boolean;
  version: boolean;
}

/**
 * Pull global options out of argv, before and after the command (up to `--`), leaving the
 * command's own arguments in order. Throws a message string on a malformed global option.
 */
export function splitArgv(argv: readonly string[]): Split {
  const split: Split = { global: { configDir: DEFAULT_CONFIG_DIR, node: '', json: false }, command: null, rest: [], help: false, version: false };
  let passthrough = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (passthrough) {
      split.rest.push(arg);
      continue;
    }
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw `option ${name} needs a value`;
      return v;
    };
    if (name === '-c' || name === '--config') split.global.configDir = value();
    else if (name === '--node') split.global.node = value().toLowerCase();
    else if (arg === '--json') split.global.json = true;
    else if (arg === '-h' || arg === '--help') split.help = true;
    else if ((arg === '-V' || arg === '--version') && split.command === null) split.version = true;
    else if (arg === '--') {
      passthrough = true;
      if (split.command !== null) split.rest.push(arg);
    } else if (split.command === null && !arg.startsWith('-')) split.command = arg;
    else if (split.command === null) throw `unknown option ${arg}`;
    else split.rest.push(arg);
  }
  if (split.global.node === '') {
    split.global.node = localNodeName(split.global.configDir);
    split.global.nodeFromDefault = true;
  }
  return split;
}

/**
 * The node a command that takes its own `-c DIR` runs as: its own --node, else the global one
 * when given, else DIR's nodeinfo or uname -n.
 */
export function nodeFor(global: GlobalOptions, dir: string, own: string | undefined): string {
  if (own !== undefined) return own.toLowerCase();
  return global.nodeFromDefault === true && dir !== global.configDir ? localNodeName(dir) : global.node;
}

export async function runCli(argv: readonly string[], io: Io, commands: readonly CliCommand[]): Promise<number> {
  const help = globalHelp(commands);
  let split: Split;
  try {
    split = splitArgv(argv);
  } catch (message) {
    return usageError(io, null, String(message), help);
  }
  if (split.version) {
    io.out(`twinbeat ${packageVersion()}\n`);
    return ExitCode.ok;
  }
  if (split.command === null) {
    if (split.help) {
      io.out(`${help}\n`);
      return ExitCode.ok;
    }
    return usageError(io, null, 'no command given', help);
  }
  const command = commands.find((c) => c.name === split.command);
  if (command === undefined) {
    const hint = didYouMean(split.command, commands.map((c) => c.name));
    return usageError(io, null, `unknown command '${split.command}'${hint ? ` (${hint})` : ''}`, help);
  }
  if (split.help) {
    io.out(`${command.help}\n`);
    return ExitCode.ok;
  }
  try {
    return await command.run(split.global, split.rest, io);
  } catch (err) {
    // Every command that finds the daemon through ha.cf says the same thing when it cannot read it.
    if (!(err instanceof UnreadableConfigError)) throw err;
    io.err(`twinbeat ${command.name}: ${err.message}\n`);
    return ExitCode.failed;
  }
}
