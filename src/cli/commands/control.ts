// The subcommands that talk to a running daemon over its control socket: standby, online,
// takeover, reload, move (per-group moves: standby and online also take a GROUP). (status is in status.ts: its exit code is the health; stop is in stop.ts: it
// also waits for the daemon to exit.)
import { ExitCode, type CliCommand, type GlobalOptions, type Io } from '../command.js';
import { parseCommandArgs, usageError } from '../args.js';
import { runtimePaths } from '../runtime-paths.js';
import { controlRequest, ControlError, type ControlCommand, type ControlAccepted, type ControlRequest } from '../../daemon/control.js';

export const CONTROL_TIMEOUT_MS = 10_000;

/**
 * Ask the daemon; on failure print why and return the exit code, on success return the answer.
 * Shared by every control-socket command so their errors read the same.
 */
export async function ask(global: GlobalOptions, cmd: ControlCommand, io: Io, request: Omit<ControlRequest, 'cmd'> = {}): Promise<ControlAccepted | number> {
  const { controlSocket } = runtimePaths(global.configDir);
  try {
    const response = await controlRequest(controlSocket, { cmd, ...request }, CONTROL_TIMEOUT_MS);
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

function print(global: GlobalOptions, io: Io, answer: ControlAccepted): number {
  if (global.json) io.out(`${JSON.stringify(answer)}\n`);
  else io.out(`${answer.message ?? 'done'}\n`);
  return ExitCode.ok;
}

/** `perGroup`: the command also takes one GROUP (standby, online). */
function simpleCommand(name: 'standby' | 'online' | 'takeover' | 'reload', summary: string, help: string, perGroup = false): CliCommand {
  return {
    name,
    summary,
    help,
    async run(global, args, io) {
      const parsed = parseCommandArgs(args, { maxPositionals: perGroup ? 1 : 0 }, io, name, help);
      if (typeof parsed === 'number') return parsed;
      const group = parsed.positionals[0];
      const answer = await ask(global, name, io, group === undefined ? {} : { group });
      return typeof answer === 'number' ? answer : print(global, io, answer);
    },
  };
}

const STANDBY_HELP = `usage: twinbeat standby [GROUP | --local | --foreign]

Puts this node in standby: it releases every resource group it holds (stopping resources in
reverse order) so the peer can take them, and wants none until \`twinbeat online\` or
\`twinbeat takeover\`. The standby flag is saved in the state file and survives a restart.
Refused while the peer is dead, in standby or stopping (nobody could take the groups). If the
peer dies or stops later, standby is cancelled and this node takes over: availability first.
The command returns once the daemon accepted the request; follow progress with \`twinbeat status\`.
With GROUP, only that group: the same as \`twinbeat move GROUP PEER\` (Heartbeat's hb_standby for
one group); \`twinbeat online GROUP\` or \`twinbeat move GROUP --clear\` ends it. --local puts
every group this node is the preferred node of in standby that way, --foreign every group the
peer is the preferred node of (Heartbeat's \`hb_standby local\` and \`hb_standby foreign\`).
Exit status: 0 accepted, 1 refused, 3 daemon not running.`;

/** The groups whose preferred node is (`local`) or is not (`foreign`) this node, from the daemon's status. */
async function groupsOf(global: GlobalOptions, io: Io, set: 'local' | 'foreign'): Promise<string[] | number> {
  const answer = await ask(global, 'status', io);
  if (typeof answer === 'number') return answer;
  const report = answer.data as { self?: { name?: unknown }; groups?: { key?: unknown; owner?: unknown }[] } | undefined;
  const self = report?.self?.name;
  return (report?.groups ?? []).filter((g) => typeof g.key === 'string' && (g.owner === self) === (set === 'local')).map((g) => g.key as string);
}

export const standbyCommand: CliCommand = {
  name: 'standby',
  summary: 'give every resource group (or one GROUP, --local, --foreign) to the peer and stay standby (persists across restarts)',
  help: STANDBY_HELP,
  async run(global, args, io) {
    const parsed = parseCommandArgs(args, { flags: { '--local': 'local', '--foreign': 'foreign' }, maxPositionals: 1 }, io, 'standby', STANDBY_HELP);
    if (typeof parsed === 'number') return parsed;
    const set = parsed.flags.has('local') ? 'local' : parsed.flags.has('foreign') ? 'foreign' : null;
    const group = parsed.positionals[0];
    if ((set !== null && group !== undefined) || parsed.flags.size > 1) return usageError(io, 'standby', 'give one GROUP, --local or --foreign', STANDBY_HELP);
    if (set === null) {
      const answer = await ask(global, 'standby', io, group === undefined ? {} : { group });
      return typeof answer === 'number' ? answer : print(global, io, answer);
    }
    const groups = await groupsOf(global, io, set);
    if (typeof groups === 'number') return groups;
    for (const key of groups) {
      const answer = await ask(global, 'standby', io, { group: key });
      if (typeof answer === 'number') return answer;
      if (!global.json) io.out(`${answer.message ?? 'done'}\n`);
    }
    if (global.json) io.out(`${JSON.stringify({ ok: true, groups })}\n`);
    else if (groups.length === 0) io.out(`no ${set} resource group: nothing to do\n`);
    return ExitCode.ok;
  },
};

export const onlineCommand = simpleCommand(
  'online',
  'leave standby without moving any resource group',
  `usage: twinbeat online [GROUP]

Clears standby (saved in the state file) without moving a group: the groups the peer holds
stay there, even with auto_failback on, until the peer fails, stops or enters standby, or until
\`twinbeat takeover\` here. This node takes groups nobody holds and is again a failover target.
Also ends a yield to the peer's takeover the same way. Returns once the daemon accepted it.
With GROUP: forget that group's move or standby made on this node (as \`twinbeat move GROUP --clear\`).
Exit status: 0 accepted, 1 refused, 3 daemon not running.`,
  true,
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

const MOVE_HELP = `usage: twinbeat move GROUP [NODE]
       twinbeat move GROUP --clear

Moves one resource group (its key, as \`twinbeat status\` lists it) to NODE, by default to the
node that does not run it now, like Pacemaker's \`crm resource move\`. The move is saved in this
node's state file and kept across restarts until cleared; the peer learns it from the claims in
the heartbeats. A group being moved away keeps running here until the peer is ready to take it.
Refused when NODE could not take the group: it is dead, in standby or stopping, isolated, or the
two nodes run different configurations. A move does not override availability: if NODE dies,
the other node takes the group, and the move applies again once both are up. If the operators
of both nodes move the same group at the same moment, the node whose name sorts first wins.
--clear forgets the move (like \`crm resource clear\`): the group stays where it runs until the
ordinary rules (preferred node, auto_failback) move it.
Exit status: 0 accepted, 1 refused, 2 usage, 3 daemon not running.`;

export const moveCommand: CliCommand = {
  name: 'move',
  summary: 'move one resource group to a node (or --clear the move); kept across restarts',
  help: MOVE_HELP,
  async run(global, args, io) {
    const parsed = parseCommandArgs(args, { flags: { '--clear': 'clear' }, maxPositionals: 2 }, io, 'move', MOVE_HELP);
    if (typeof parsed === 'number') return parsed;
    const [group, node] = parsed.positionals;
    if (group === undefined) return usageError(io, 'move', 'a GROUP is needed', MOVE_HELP);
    if (parsed.flags.has('clear') && node !== undefined) return usageError(io, 'move', '--clear takes no NODE', MOVE_HELP);
    const request: Omit<ControlRequest, 'cmd'> = parsed.flags.has('clear') ? { group, clear: true } : node === undefined ? { group } : { group, node };
    const answer = await ask(global, 'move', io, request);
    return typeof answer === 'number' ? answer : print(global, io, answer);
  },
};
