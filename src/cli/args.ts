// The small argument parser every twinbeat subcommand shares: boolean flags and options with one
// value, `--name=value` accepted, `--` ends options. Anything else starting with `-` is a usage
// error, reported the same way by every command. Pure: parses argv.
import { ExitCode, type Io } from './command.js';

export interface ArgSpec {
  /** Flag spellings → the name they set to true, e.g. { '-f': 'foreground', '--foreground': 'foreground' }. */
  flags?: Record<string, string>;
  /** Option spellings taking one value → name. */
  values?: Record<string, string>;
  /** How many positionals are allowed (default 0). */
  maxPositionals?: number;
}

export interface ParsedArgs {
  flags: Set<string>;
  values: Map<string, string>;
  positionals: string[];
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function parseArgs(args: readonly string[], spec: ArgSpec): ParsedArgs {
  const parsed: ParsedArgs = { flags: new Set(), values: new Map(), positionals: [] };
  let optionsDone = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (optionsDone || !arg.startsWith('-') || arg === '-') {
      parsed.positionals.push(arg);
      continue;
    }
    if (arg === '--') {
      optionsDone = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 && arg.startsWith('--') ? arg.slice(0, eq) : arg;
    const flag = spec.flags?.[name];
    if (flag !== undefined && eq < 0) {
      parsed.flags.add(flag);
      continue;
    }
    const value = spec.values?.[name];
    if (value !== undefined) {
      const text = eq > 0 && arg.startsWith('--') ? arg.slice(eq + 1) : args[++i];
      if (text === undefined) throw new UsageError(`option ${name} needs a value`);
      parsed.values.set(value, text);
      continue;
    }
    throw new UsageError(`unknown option ${arg}`);
  }
  if (parsed.positionals.length > (spec.maxPositionals ?? 0)) throw new UsageError(`unexpected argument ${parsed.positionals[spec.maxPositionals ?? 0]}`);
  return parsed;
}

/** Print a usage error the one way every command does it, and return exit code 2. */
export function usageError(io: Io, command: string | null, message: string, help: string): number {
  const where = command === null ? 'twinbeat' : `twinbeat ${command}`;
  io.err(`${where}: ${message}\n${help.split('\n')[0]}\nRun '${where} --help' for details.\n`);
  return ExitCode.usage;
}

/** parseArgs, or the usage error already printed and its exit code (2). */
export function parseCommandArgs(args: readonly string[], spec: ArgSpec, io: Io, command: string, help: string): ParsedArgs | number {
  try {
    return parseArgs(args, spec);
  } catch (err) {
    if (err instanceof UsageError) return usageError(io, command, err.message, help);
    throw err;
  }
}
