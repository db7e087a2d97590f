// The subcommands that talk to a running daemon over its control socket: standby, online,
// takeover, reload. (status is in status.ts: its exit code is the health; stop is in stop.ts: it
// also waits for the daemon to exit.)
import { ExitCode, type CliCommand, type GlobalOptions, type Io } from '../command.js';
import { parseCommandArgs } from '../args.js';
import { runtimePaths } from '../runtime-paths.js';
import { controlRequest, ControlError, type ControlCommand, type ControlAccepted } from '../../daemon/control.js';

export const CONTROL_TIMEOUT_MS = 10_000;

/**
 * Ask the daemon; on failure print why and return the exit code, on success return the answer.
 * Shared by every control-socket command so their errors read the same.
 */
export async function ask(global: GlobalOptions, cmd: ControlCommand, io: Io): Promise<ControlAccepted | number> {
  const { controlSocket } = runtimePaths(global.configDir);
  try {
    const response = await controlRequest(controlSocket, { cmd }, CONTROL_TIMEOUT_MS);
    if (!response.ok) {
      io.err(`twinbeat ${cmd}: refused: ${response.error}\n`);
      return ExitCode.failed;
    }
    return response;
  } catch (err) {
    if (!(err instanceof ControlError)) throw err;
    io.err(`twinbeat ${cmd}: ${err.message}\n`);
    return err.kind === 'not-running' ? ExitCode.notRunning : ExitCode.failed;
  }
}

function simpleCommand(name: 'standby' | 'online' | 'takeover' | 'reload', summary: string, help: string): CliCommand {
  return {
    name,
    summary,
    help,
    async run(global, args, io) {
      const parsed = parseCommandArgs(args, {}, io, name, help);
      if (typeof parsed === 'number') return parsed;
      const answer = await ask(global, name, io);
      if (typeof answer === 'number') return answer;
      if (global.json) io.out(`${JSON.stringify(answer)}\n`);
      else io.out(`${answer.message ?? 'done'}\n`);
      return ExitCode.ok;
    },
  };
}

export const standbyCommand = simpleCommand(
  'standby',
  'give every resource group to the peer and stay standby (persists across restarts)',
  `usage: twinbeat standby

Puts this node in standby: it releases every resource group it holds (stopping resources in
reverse order) so the peer can take them, and wants none until \`twinbeat online\` or
\`twinbeat takeover\`. The standby flag is saved in the state file and survives a restart.
Refused while the peer is dead, in standby or stopping (nobody could take the groups). If the
peer dies or stops later, standby is cancelled and this node takes over: availability first.
The command returns once the daemon accepted the request; follow progress with \`twinbeat status\`.
Exit status: 0 accepted, 1 refused, 3 daemon not running.`,
);

export const onlineCommand = simpleCommand(
  'online',
  'leave standby without moving any resource group',
  `usage: twinbeat online

Clears standby (saved in the state file) without moving a group: the groups the peer holds
stay there, even with auto_failback on, until the peer fails, stops or enters standby, or until
\`twinbeat takeover\` here. This node takes groups nobody holds and is again a failover target.
Also ends a yield to the peer's takeover the same way. Returns once the daemon accepted it.
Exit status: 0 accepted, 1 refused, 3 daemon not running.`,
);

export const takeoverCommand = simpleCommand(
  'takeover',
  'leave standby and take back the resource groups this node should hold',
  `usage: twinbeat takeover

Clears standby and takes every resource group: a live peer is asked to yield them all (it does
not enter standby: when this node later stops or dies, the peer takes them back); with the peer
dead or stopped, this node takes them after the usual checks (tie delay, ping nodes, fencing).
If both nodes run takeover at the same moment, the node whose name sorts first wins. Returns
once the daemon accepted the request; follow progress with \`twinbeat status\`.
Exit status: 0 accepted, 1 refused, 3 daemon not running.`,
);

export const reloadCommand = simpleCommand(
  'reload',
  're-read the configuration without changing roles (like SIGHUP)',
  `usage: twinbeat reload

Makes the daemon re-read ha.cf, haresources and authkeys. A valid configuration is applied
without moving any resource (new timings, keys, monitors); an invalid one is rejected, logged
and the running configuration kept. Run \`twinbeat check\` first to see the errors.
Exit status: 0 reloaded, 1 rejected (the errors are printed), 3 daemon not running.`,
);
