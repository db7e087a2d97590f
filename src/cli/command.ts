// What every CLI subcommand looks like, so src/cli/main.ts can dispatch to modules written
// independently and tests can run a command in-process with captured output.

export interface GlobalOptions {
  /** Config directory (`-c DIR`, default /etc/ha.d). */
  configDir: string;
  /** This node's name (`--node NAME`, default: the config directory's nodeinfo, else `uname -n`). */
  node: string;
  /**
   * True when --node was not given and `node` came from configDir's nodeinfo or uname -n: a
   * command's own `-c DIR` then reads DIR/nodeinfo instead.
   */
  nodeFromDefault?: boolean;
  /** `--json` where the command supports it. */
  json: boolean;
}

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

/** Documented exit codes (README "CLI reference"). */
export const ExitCode = {
  ok: 0,
  /** The thing checked is not valid / the test failed / the request was refused. */
  failed: 1,
  /** Usage error: unknown command or option. */
  usage: 2,
  /** The daemon is not running or its control socket cannot be reached. */
  notRunning: 3,
} as const;

export interface CliCommand {
  name: string;
  /** One line for `twinbeat --help`. */
  summary: string;
  /** Full `twinbeat NAME --help` text. */
  help: string;
  run(global: GlobalOptions, args: string[], io: Io): Promise<number>;
}
