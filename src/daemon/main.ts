// The composition root: configuration → logger, pidfile, state, links, codec, core, loop,
// control socket, signals. Everything the daemon is made of is created here and nowhere else,
// and torn down here in reverse order.
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/types.js';
import { formatError, formatNotice } from '../config/errors.js';
import { FailoverMachine } from '../core/machine.js';
import type { Link } from '../transport/link.js';
import { ScriptRunner } from '../resources/runner.js';
import { scriptChecks } from '../resources/locate.js';
import { systemClock, type Clock } from './clock.js';
import { createLogger, type Logger } from './logger.js';
import { acquirePidfile, AlreadyRunningError, type Pidfile } from './pidfile.js';
import { bumpGeneration } from './state-file.js';
import { Loop, type FrameCodec } from './loop.js';
import { createWorldActions } from './actions.js';
import { reclaimAtStartup } from './reclaim.js';
import { coreConfigFrom } from './core-config.js';
import { startControlServer, type ControlRequest, type ControlResponse, type ControlServer } from './control.js';
import { buildStatusReport, type StatusReport } from './status-report.js';
import { startStatusSocket } from './status-socket.js';
import { startMetricsServer } from './metrics.js';
import { DaemonMetrics, observedActions, METRICS_EVENT_LOOP_SAMPLE_MS } from './metrics-registry.js';
import { packageVersion } from './version.js';
import { enterRealtime } from './realtime.js';
import { keepDescriptorHeadroom } from './descriptors.js';
import { fatalHandler } from './fatal.js';
import { StopGuard, stopDeadlineMs } from './stop-guard.js';

/** The transport and protocol edge, injected so the composition can be exercised with memory links. */
export interface Wiring {
  /** Links for config.media, not yet opened. */
  createLinks(config: Config, clock: Clock, log: Logger): Link[];
  /** Signs with config.auth; keeps a replay window per link. */
  createCodec(config: Config): ReloadableCodec;
}

export interface ReloadableCodec extends FrameCodec {
  /** Adopt new keys after a reload (rollover: every listed key is accepted). */
  setConfig(config: Config): void;
}

/** Where startup failures are told before (or besides) the log: the terminal running `start`. */
export interface ErrorSink {
  err(text: string): void;
}

export interface DaemonOptions {
  configDir: string;
  node: string;
  /** Log to stdout too (`start -f`, systemd → journald). */
  foreground: boolean;
  clock?: Clock;
  /** Tests: do not install process signal handlers. */
  installSignalHandlers?: boolean;
  /** Called once the control socket answers (tests, start's readiness). */
  onReady?: (handle: DaemonHandle) => void;
}

export interface DaemonHandle {
  /** Same as SIGTERM: graceful stop. */
  stop(): void;
  /** Same as SIGHUP. */
  reload(): Promise<ControlResponse>;
}

/**
 * Longest quiet spell before the loop ticks anyway: keepalive/2, the stall guard's contract
 * (src/core/awareness.ts), at most 200 ms so monitors and timeouts stay prompt at long
 * keepalives. Time-critical ticks (heartbeats, deadtime) come at the core's own wake times.
 */
export function tickPeriodMs(config: Config): number {
  return Math.min(200, Math.max(5, Math.floor(config.keepaliveMs / 2)));
}

/** Run the daemon until it stops; resolves to the process exit code. */
export async function runDaemon(opts: DaemonOptions, io: ErrorSink, wiring: Wiring): Promise<number> {
  const loaded = await loadConfig(opts.configDir, opts.node, { scripts: scriptChecks(opts.configDir) });
  if (!loaded.ok) {
    for (const e of loaded.errors) io.err(`${formatError(e)}\n`);
    io.err(`twinbeat: configuration in ${opts.configDir} is invalid (${loaded.errors.length} problem(s)); not starting\n`);
    return 1;
  }
  let config = loaded.config;
  const clock = opts.clock ?? systemClock;
  const log = createLogger({ logfile: config.logfile, debugfile: config.debugfile, logfacility: config.logfacility, foreground: opts.foreground, debug: config.debug });
  const daemonLog = log.child('daemon');
  for (const n of loaded.notices) daemonLog.info('config-notice', formatNotice(n));
  const connections = await keepDescriptorHeadroom(daemonLog);

  let pidfile: Pidfile;
  try {
    pidfile = acquirePidfile(config.ext.pidFile, (stale) =>
      daemonLog.warn('pidfile-stale', `taking over stale pidfile ${config.ext.pidFile} (pid ${stale ?? 'unreadable'} is not running)`, { path: config.ext.pidFile }),
    );
  } catch (err) {
    const message = err instanceof AlreadyRunningError ? err.message : `cannot create pidfile ${config.ext.pidFile}: ${(err as Error).message}`;
    daemonLog.error('daemon-refused', message);
    io.err(`twinbeat: ${message}\n`);
    await log.close();
    return 1;
  }

  const cleanups: (() => Promise<void> | void)[] = [() => pidfile.release()];
  const cleanup = async () => {
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (err) {
        daemonLog.warn('cleanup-failed', (err as Error).message);
      }
    }
    await log.close();
  };

  try {
    const state = await bumpGeneration(config.ext.stateFile);
    const startedAt = clock.now();
    daemonLog.info('daemon-start', `twinbeat ${packageVersion()} starting as ${config.self} (peer ${config.peer}), generation ${state.generation}${state.standby ? ', standby' : ''}`, {
      node: config.self,
      generation: state.generation,
      pid: process.pid,
    });

    // Before any link opens or the core ticks: stop whatever a killed predecessor left running,
    // so the core's "I hold nothing" is true. A failed stop throws (caught below: exit 1).
    const runner = new ScriptRunner();
    await reclaimAtStartup({ config, runner, log });

    const links = wiring.createLinks(config, clock, log);
    const codec = wiring.createCodec(config);
    const machine = new FailoverMachine(coreConfigFrom(config, links.map((l) => l.name)), { generation: state.generation, standby: state.standby, now: clock.now() });
    // Metrics (tb_metrics_port) observe frames and script runs as they happen; off: no observers.
    const metrics: DaemonMetrics | null = config.ext.metricsPort > 0
      ? new DaemonMetrics({ report: () => statusReport(), coreEvents: () => loop.coreEvents() }, {
          links: links.map((l) => l.name), resources: config.groups.flatMap((g) => g.resources.map((r) => r.id)), processMetrics: { eventLoopSampleMs: METRICS_EVENT_LOOP_SAMPLE_MS },
        })
      : null;
    const actions = observedActions(createWorldActions({ config: () => config, runner, stateFile: config.ext.stateFile, log }), metrics);
    const loop: Loop = new Loop({ machine, links, codec, actions, clock, log, tickMs: tickPeriodMs(config), onFrameAccepted: metrics ? (link, at) => metrics.frameAccepted(link, at) : undefined });
    cleanups.push(() => loop.close());

    for (const link of links) {
      try {
        await link.open();
      } catch (err) {
        // One broken medium (serial adapter unplugged) must not keep the other from working:
        // the core sees it down, like a link that failed later.
        const reason = (err as Error).message;
        daemonLog.error('link-open-failed', `cannot open ${link.name}: ${reason}`, { link: link.name });
        void loop.dispatch({ type: 'link-medium', now: clock.now(), link: link.name, up: false, reason });
      }
      cleanups.push(() => link.close());
    }
    // After the links opened: the thread pool (serial reads, state file) exists by now.
    if (config.realtime) await enterRealtime(config.rtprio, daemonLog);

    let stopping = false;
    const stop = (why: string) => {
      if (stopping) {
        daemonLog.info('stop-in-progress', `${why}: already stopping (releasing resources)`);
        return;
      }
      stopping = true;
      daemonLog.info('stop-requested', `${why}: releasing resources and stopping`);
      void loop.dispatch({ type: 'command', now: clock.now(), command: 'stop' });
    };

    const reload = async (): Promise<ControlResponse> => {
      const next = await loadConfig(opts.configDir, opts.node, { scripts: scriptChecks(opts.configDir) });
      if (!next.ok) {
        const errors = next.errors.map(formatError);
        daemonLog.error('reload-rejected', `new configuration invalid, keeping the running one: ${errors.join('; ')}`, { errors: errors.length });
        return { ok: false, error: `configuration invalid, running configuration kept:\n${errors.join('\n')}` };
      }
      const changedMedia = JSON.stringify(next.config.media) !== JSON.stringify(config.media);
      config = next.config;
      codec.setConfig(config);
      await loop.dispatch({ type: 'config', now: clock.now(), config: coreConfigFrom(config, links.map((l) => l.name)) });
      const note = changedMedia ? ' (the list of links changed: that takes effect at the next restart)' : '';
      daemonLog.info('reload-applied', `configuration reloaded, digest ${config.digest}${note}`, { digest: config.digest });
      return { ok: true, message: `configuration reloaded (digest ${config.digest})${note}` };
    };

    const commandAnswer = async (command: 'standby' | 'takeover' | 'stop'): Promise<ControlResponse> => {
      if (command === 'stop') {
        stop('stop requested on the control socket');
        return { ok: true, message: 'stopping: releasing resources' };
      }
      await loop.dispatch({ type: 'command', now: clock.now(), command });
      const last = loop.status().lastCommand;
      if (last !== null && last.command === command && !last.accepted) return { ok: false, error: last.reason };
      return { ok: true, message: `${command} accepted${last?.reason ? `: ${last.reason}` : ''}` };
    };

    const statusReport = (): StatusReport =>
      buildStatusReport(
        loop.status(),
        links.map((l) => ({ name: l.name, kind: l.kind, stats: l.stats(), protocolDrops: loop.protocolDrops(l.name) })),
        { pid: process.pid, version: packageVersion(), uptimeMs: Math.round(clock.now() - startedAt), configDir: opts.configDir, stateFile: config.ext.stateFile },
        config.digest,
      );

    const handler = async (request: ControlRequest): Promise<ControlResponse> => {
      switch (request.cmd) {
        case 'status':
          return { ok: true, data: statusReport() };
        case 'reload':
          return reload();
        default:
          return commandAnswer(request.cmd);
      }
    };

    const control: ControlServer = await startControlServer({
      path: config.ext.controlSocket,
      group: config.ext.controlGroup,
      handler,
      onError: (err) => daemonLog.warn('control-error', err.message),
      limits: { maxConnections: connections.control },
    });
    cleanups.push(() => control.close());
    // Read-only twin for monitoring (tb_status_group): status only, from half the control budget.
    const statusSocket = await startStatusSocket({
      controlSocket: config.ext.controlSocket, group: config.ext.statusGroup, handler, maxConnections: Math.max(1, Math.floor(connections.control / 2)),
      onError: (err) => daemonLog.warn('control-error', err.message),
    });
    cleanups.push(() => statusSocket.close());

    // Metrics are an observer: a busy port is logged, it never keeps the daemon from failover.
    // The port is read at start; a reload that changes it takes effect at the next restart.
    if (metrics !== null) {
      try {
        const { metricsPort: port, metricsAddress: address } = config.ext;
        const endpoint = await startMetricsServer({
          port,
          address,
          render: () => metrics.render(),
          limits: { maxConnections: connections.metrics },
          onError: (err) => daemonLog.warn('metrics-error', err.message),
        });
        cleanups.push(() => endpoint.close());
        daemonLog.info('metrics-listening', `metrics at http://${address}:${endpoint.port}/metrics`, { port: endpoint.port, address });
      } catch (err) {
        daemonLog.error('metrics-failed', `cannot serve metrics on ${config.ext.metricsAddress}:${config.ext.metricsPort}: ${(err as Error).message}`, { port: config.ext.metricsPort });
      }
    }

    if (opts.installSignalHandlers !== false) {
      const onTerm = () => stop('SIGTERM');
      const onInt = () => stop('SIGINT');
      const onHup = () => void reload();
      // A bug anywhere: log it, flush the log, exit non-zero so systemd restarts us (fatal.ts).
      const onFatal = fatalHandler({ log: daemonLog, closeLog: () => log.close(), exit: (code) => process.exit(code) });
      process.on('SIGTERM', onTerm);
      process.on('SIGINT', onInt);
      process.on('SIGHUP', onHup);
      process.on('uncaughtException', onFatal);
      process.on('unhandledRejection', onFatal);
      cleanups.push(() => {
        process.off('SIGTERM', onTerm);
        process.off('SIGINT', onInt);
        process.off('SIGHUP', onHup);
        process.off('uncaughtException', onFatal);
        process.off('unhandledRejection', onFatal);
      });
    }

    loop.start();
    daemonLog.info('daemon-ready', `control socket ${config.ext.controlSocket}, ${links.length} link(s): ${links.map((l) => l.name).join(', ')}`);
    opts.onReady?.({ stop: () => stop('stop requested'), reload });
    // A graceful stop that cannot finish (a stop script failed or hangs) must still end: stop-guard.ts.
    const stopGuard = new StopGuard({ clock, status: () => loop.status(), deadlineMs: () => stopDeadlineMs(config) });
    stopGuard.start();
    cleanups.push(() => stopGuard.cancel());
    const abandoned = await Promise.race([loop.stopped.then(() => null), stopGuard.abandoned]);
    if (abandoned !== null) {
      daemonLog.error('stop-abandoned', abandoned);
      loop.close();
      await cleanup();
      return 1;
    }
    daemonLog.info('daemon-stopped', 'resources released, exiting');
    await cleanup();
    return 0;
  } catch (err) {
    daemonLog.error('daemon-failed', `startup failed: ${(err as Error).message}`);
    io.err(`twinbeat: ${(err as Error).message}\n`);
    await cleanup();
    return 1;
  }
}
