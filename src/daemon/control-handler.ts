// What the running daemon does for an operator: answer `status`, `reload` the configuration,
// and pass `standby`/`takeover`/`stop` and the per-group `move`/`standby GROUP`/`online GROUP` to the core. The control socket (control.ts) and the
// signals (signals.ts) both act through the DaemonControl made here. Touches nothing itself:
// the configuration is read through loadConfig, everything else goes through the loop and codec
// it is given.
import { loadConfig } from '../config/load.js';
import { scriptChecks } from '../resources/locate.js';
import type { Config } from '../config/types.js';
import { formatError, formatWarning } from '../config/errors.js';
import type { FrameCodec } from '../protocol/frame-codec.js';
import type { Link } from '../transport/link.js';
import type { Clock } from './clock.js';
import type { Logger } from './logger.js';
import type { Loop } from './loop.js';
import type { ControlRequest, ControlResponse } from './control.js';
import { buildStatusReport, type StatusReport } from './status-report.js';
import { coreConfigFrom } from './core-config.js';
import { packageVersion } from './version.js';
import type { GroupCommand } from '../core/placements.js';

export interface DaemonControlDeps {
  configDir: string;
  node: string;
  /** The running configuration; replaced by a successful reload. */
  config: { current: Config };
  codec: Pick<FrameCodec, 'setConfig'>;
  loop: Pick<Loop, 'dispatch' | 'status' | 'protocolDrops'>;
  links: readonly Link[];
  clock: Clock;
  /** Monotonic time the daemon started (for its uptime in status). */
  startedAt: number;
  log: Logger;
  /** Reopen the log files (logrotate): the first thing a reload does, whatever the new configuration says. */
  reopenLog: () => void;
  /** Tell the service manager a graceful stop began (systemd STOPPING=1). */
  announceStopping: (why: string) => void;
}

export interface DaemonControl {
  /** Graceful stop: the core releases every group, says goodbye, then the loop ends. Idempotent. */
  stop(why: string): void;
  /** Re-read the configuration; an invalid one is refused and the running one kept. */
  reload(): Promise<ControlResponse>;
  statusReport(): StatusReport;
  /** One control-socket request. */
  handle(request: ControlRequest): Promise<ControlResponse>;
}

export function createDaemonControl(deps: DaemonControlDeps): DaemonControl {
  const { loop, clock, log } = deps;
  const linkNames = deps.links.map((l) => l.name);
  let stopping = false;

  const stop = (why: string) => {
    if (stopping) {
      log.info('stop-in-progress', `${why}: already stopping (releasing resources)`);
      return;
    }
    stopping = true;
    log.info('stop-requested', `${why}: releasing resources and stopping`);
    deps.announceStopping(`${why}: releasing resources`);
    void loop.dispatch({ type: 'command', now: clock.now(), command: 'stop' });
  };

  const reload = async (): Promise<ControlResponse> => {
    // First, whatever the new configuration says: logrotate's postrotate relies on it.
    deps.reopenLog();
    const next = await loadConfig(deps.configDir, deps.node, { scripts: scriptChecks(deps.configDir) });
    if (!next.ok) {
      const errors = next.errors.map(formatError);
      log.error('reload-rejected', `new configuration invalid, keeping the running one: ${errors.join('; ')}`, { errors: errors.length });
      return { ok: false, error: `configuration invalid, running configuration kept:\n${errors.join('\n')}` };
    }
    for (const w of next.warnings) log.warn('config-warning', formatWarning(w));
    const changedMedia = JSON.stringify(next.config.media) !== JSON.stringify(deps.config.current.media);
    const config = (deps.config.current = next.config);
    deps.codec.setConfig(config);
    await loop.dispatch({ type: 'config', now: clock.now(), config: coreConfigFrom(config, linkNames) });
    const note = changedMedia ? ' (the list of links changed: that takes effect at the next restart)' : '';
    log.info('reload-applied', `configuration reloaded, digest ${config.digest}${note}`, { digest: config.digest });
    return { ok: true, message: `configuration reloaded (digest ${config.digest})${note}` };
  };

  const command = async (name: 'standby' | 'online' | 'takeover' | 'stop'): Promise<ControlResponse> => {
    if (name === 'stop') {
      stop('stop requested on the control socket');
      return { ok: true, message: 'stopping: releasing resources' };
    }
    await loop.dispatch({ type: 'command', now: clock.now(), command: name });
    const last = loop.status().lastCommand;
    if (last !== null && last.command === name && !last.accepted) return { ok: false, error: last.reason };
    return { ok: true, message: `${name} accepted${last?.reason ? `: ${last.reason}` : ''}` };
  };

  /** A per-group command (move, standby GROUP, online GROUP): the core checks and answers. */
  const groupCommand = async (request: ControlRequest & { group: string }): Promise<ControlResponse> => {
    const kind = request.cmd === 'standby' ? 'standby' : request.cmd === 'online' || request.clear ? 'clear' : 'move';
    const command: GroupCommand = { kind, group: request.group, at: Date.now(), ...(request.node !== undefined ? { node: request.node } : {}) };
    await loop.dispatch({ type: 'group-command', now: clock.now(), command });
    const last = loop.status().lastCommand;
    if (last === null || last.group !== request.group.slice(0, 256)) return { ok: false, error: 'the daemon did not answer the command' };
    return last.accepted ? { ok: true, message: last.reason } : { ok: false, error: last.reason };
  };

  const statusReport = (): StatusReport =>
    buildStatusReport(
      loop.status(),
      deps.links.map((l) => ({ name: l.name, kind: l.kind, stats: l.stats(), protocolDrops: loop.protocolDrops(l.name) })),
      {
        pid: process.pid,
        version: packageVersion(),
        uptimeMs: Math.round(clock.now() - deps.startedAt),
        configDir: deps.configDir,
        stateFile: deps.config.current.ext.stateFile,
      },
      deps.config.current.digest,
    );

  return {
    stop,
    reload,
    statusReport,
    async handle(request) {
      switch (request.cmd) {
        case 'status':
          return { ok: true, data: statusReport() };
        case 'reload':
          return reload();
        case 'move':
        case 'standby':
        case 'online':
          if (request.group !== undefined) return groupCommand({ ...request, group: request.group });
          if (request.cmd === 'move') return { ok: false, error: 'move needs a group' };
          return command(request.cmd);
        default:
          return command(request.cmd);
      }
    },
  };
}
