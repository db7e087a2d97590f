// Process signals and fatal errors for the daemon: SIGTERM and SIGINT stop gracefully (resources
// released, goodbye sent), SIGHUP reloads the configuration, and an uncaught exception or
// unhandled rejection is fatal (fatal.ts). Touches only the process's handlers (and its exit on a
// fatal error); what stopping and reloading mean is the DaemonControl's business
// (control-handler.ts).
import type { DaemonControl } from './control-handler.js';
import type { Logger } from './logger.js';
import { fatalHandler } from './fatal.js';

/** Install the handlers; returns the function that removes them again. */
export function installSignalHandlers(control: Pick<DaemonControl, 'stop' | 'reload'>, log: Logger, closeLog: () => Promise<void>): () => void {
  const onTerm = () => control.stop('SIGTERM');
  const onInt = () => control.stop('SIGINT');
  const onHup = () => void control.reload();
  // A bug anywhere: log it, flush the log, exit non-zero so systemd restarts us (fatal.ts).
  const onFatal = fatalHandler({ log, closeLog, exit: (code) => process.exit(code) });
  process.on('SIGTERM', onTerm);
  process.on('SIGINT', onInt);
  process.on('SIGHUP', onHup);
  process.on('uncaughtException', onFatal);
  process.on('unhandledRejection', onFatal);
  return () => {
    process.off('SIGTERM', onTerm);
    process.off('SIGINT', onInt);
    process.off('SIGHUP', onHup);
    process.off('uncaughtException', onFatal);
    process.off('unhandledRejection', onFatal);
  };
}
