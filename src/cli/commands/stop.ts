// `twinbeat stop`: ask the daemon to stop gracefully — it releases its resource groups in
// reverse order, says goodbye to the peer so it takes over at once, and exits — then wait until
// the process is gone.
// Talks to the daemon over the control socket and reads its pid file; touches nothing else.
import { ExitCode, type CliCommand } from '../command.js';
import { parseCommandArgs, usageError } from '../args.js';
import { runtimePaths } from '../runtime-paths.js';
import { readPid, processAlive, judgePid } from '../../daemon/pidfile.js';
import { socketAnswers } from '../../daemon/control.js';
import { ask } from './control.js';

const help = `usage: twinbeat stop [--timeout SECONDS]

Stops the running daemon gracefully: it stops its resources (reverse order), tells the peer it
is leaving (the peer takes over without waiting for deadtime) and exits. Waits until the daemon
process has exited.
--timeout SECONDS   how long to wait for the exit (default 300: resource stops can be slow)
Exit status: 0 stopped, 1 refused or still running after the timeout, 3 not running.`;

export const stopCommand: CliCommand = {
  name: 'stop',
  summary: 'release resources gracefully and stop the daemon',
  help,
  async run(global, args, io) {
    const parsed = parseCommandArgs(args, { values: { '--timeout': 'timeout' } }, io, 'stop', help);
    if (typeof parsed === 'number') return parsed;
    const seconds = Number(parsed.values.get('timeout') ?? '300');
    if (!(seconds > 0)) return usageError(io, 'stop', `--timeout: expected a positive number of seconds, got ${parsed.values.get('timeout')}`, help);
    const timeoutMs = seconds * 1000;
    const paths = runtimePaths(global.configDir);
    // Only a pid that is our daemon is waited for or named to the operator: a pidfile left by a
    // crash may name a zombie or, after pid reuse, an unrelated process that must be left alone.
    const recorded = readPid(paths.pidFile);
    const verdict = recorded === null ? null : judgePid(recorded, global.configDir);
    const pid = verdict?.running ? recorded : null;
    const answer = await ask(global, 'stop', io);
    if (answer === ExitCode.notRunning && pid !== null) {
      io.err(`twinbeat stop: pid ${pid} (${paths.pidFile}) is alive but does not answer on ${paths.controlSocket}; stop it with: kill ${pid}\n`);
      return ExitCode.failed;
    }
    if (answer === ExitCode.notRunning && verdict !== null && !verdict.running) {
      io.err(`twinbeat stop: the pidfile ${paths.pidFile} is stale (${verdict.found}); nothing was signalled\n`);
    }
    if (typeof answer === 'number') return answer;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const gone = pid !== null ? !processAlive(pid) : !(await socketAnswers(paths.controlSocket));
      if (gone) break;
      if (Date.now() >= deadline) {
        io.err(`twinbeat stop: still running after ${timeoutMs / 1000}s (resources still being released? see the log and \`twinbeat status\`)\n`);
        return ExitCode.failed;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    if (!global.json) io.out('twinbeat stopped\n');
    else io.out(`${JSON.stringify({ ok: true, message: 'stopped' })}\n`);
    return ExitCode.ok;
  },
};
