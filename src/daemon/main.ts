// The composition root: configuration → logger, pidfile, state, links, codec, core, loop,
// control socket, metrics, signals. Everything the daemon is made of is created here and nowhere
// else, and torn down here in reverse order. What it does for an operator is control-handler.ts;
// signals are signals.ts. Touches nothing itself beyond what the parts it builds touch.
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/types.js';
import { formatError, formatNotice, formatWarning } from '../config/errors.js';
import { FailoverMachine } from '../core/machine.js';
import type { Link } from '../transport/link.js';
import type { FrameCodec } from '../protocol/frame-codec.js';
import { ScriptRunner } from '../resources/runner.js';
import { scriptChecks } from '../resources/locate.js';
import { systemClock, type Clock } from './clock.js';
import { createLogger, type Logger } from './logger.js';
import { claimPidfile, AlreadyRunningError, type Pidfile } from './pidfile.js';
import { bumpGeneration } from './state-file.js';
import { Loop, NODE_TIMER_EARLY_MS } from './loop.js';
import { TIMER_LATENESS_MS } from '../config/deadtime-floor.js';
import { createWorldActions } from './actions.js';
import { reclaimAtStartup } from './reclaim.js';
import { ensureRscTmp, heartbeatEnvironment } from '../resources/environment.js';
import { coreConfigFrom } from './core-config.js';
import { startControlServer, type ControlResponse } from './control.js';
import { createDaemonControl } from './control-handler.js';
import { installSignalHandlers } from './signals.js';
import { startStatusSocket } from './status-socket.js';
import { startMetricsServer } from './metrics.js';
import { DaemonMetrics, observedActions, METRICS_EVENT_LOOP_SAMPLE_MS } from './metrics-registry.js';
import { packageVersion } from './version.js';
import { enterRealtime } from './realtime.js';
import { keepDescriptorHeadroom } from './descriptors.js';
import { StopGuard, stopDeadlineMs } from './stop-guard.js';
import { CONFIG_REFUSED_EXIT, createNotifier, takeNotifyEnvironment } from './systemd.js';
import { figuresFrom, figuresPath, startFiguresSaver } from './inter-arrival-file.js';

/** The transport and protocol edge, injected so the composition can be exercised with memory links. */
export interface Wiring {
  /** Links for config.media, not yet opened. */
  createLinks(config: Config, clock: Clock, log: Logger): Link[];
  /** Signs with config.auth; keeps a replay window per link. */
  createCodec(config: Config): Pick<FrameCodec, 'encode' | 'decode' | 'setConfig'>;
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

/**
 * How much later than tickPeriodMs the loop may tick to merge the regular tick with a core wake
 * time (LoopDeps.tickMergeMs): the Node timer's early margin, where keepalive − tick period still
 * leaves the timer lateness `check` allows for on top of it (so at the deadtime floor's smallest
 * keepalive it is 0 and the stall guard's contract holds as before).
 */
export function tickMergeMs(config: Config): number {
  const lateness = config.realtime ? TIMER_LATENESS_MS.realtime : TIMER_LATENESS_MS.normal;
  return Math.max(0, Math.min(NODE_TIMER_EARLY_MS, config.keepaliveMs - tickPeriodMs(config) - lateness - NODE_TIMER_EARLY_MS));
}

/** Run the daemon until it stops; resolves to the process exit code. */
export async function runDaemon(opts: DaemonOptions, io: ErrorSink, wiring: Wiring): Promise<number> {
  const loaded = await loadConfig(opts.configDir, opts.node, { scripts: scriptChecks(opts.configDir) });
  if (!loaded.ok) {
    for (const e of loaded.errors) io.err(`${formatError(e)}\n`);
    io.err(`twinbeat: configuration in ${opts.configDir} is invalid (${loaded.errors.length} problem(s)); not starting\n`);
    return CONFIG_REFUSED_EXIT;
  }
  const config = { current: loaded.config };
  const clock = opts.clock ?? systemClock;
  const { logfile, debugfile, logfacility, debug, ext } = loaded.config;
  const log = createLogger({ logfile, debugfile, logfacility, foreground: opts.foreground, debug });
  const daemonLog = log.child('daemon');
  // Before any child process exists, so none inherits NOTIFY_SOCKET (see systemd.ts).
  const systemd = createNotifier(takeNotifyEnvironment(), { onError: (message) => daemonLog.warn('systemd-notify-failed', message) });
  for (const w of loaded.warnings) daemonLog.warn('config-warning', formatWarning(w));
  for (const n of loaded.notices) daemonLog.info('config-notice', formatNotice(n));
  const connections = await keepDescriptorHeadroom(daemonLog);

  let pidfile: Pidfile;
  try {
    pidfile = await claimPidfile({ pidFile: ext.pidFile, controlSocket: ext.controlSocket, configDir: opts.configDir }, (stale) =>
      daemonLog.warn('stale-pidfile', `taking over stale pidfile ${ext.pidFile}: ${stale.found}`, { path: ext.pidFile, pid: stale.pid, found: stale.found }),
    );
  } catch (err) {
    const message = err instanceof AlreadyRunningError ? err.message : `cannot create pidfile ${ext.pidFile}: ${(err as Error).message}`;
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
    const state = await bumpGeneration(ext.stateFile);
    const startedAt = clock.now();
    daemonLog.info('daemon-start', `twinbeat ${packageVersion()} starting as ${loaded.config.self} (peer ${loaded.config.peer}), generation ${state.generation}${state.standby ? ', standby' : ''}`, {
      node: loaded.config.self,
      generation: state.generation,
      pid: process.pid,
    });

    // Before any link opens or the core ticks: stop whatever a killed predecessor left running,
    // so the core's "I hold nothing" is true. A failed stop throws (caught below: exit 1).
    const runner = new ScriptRunner();
    // Heartbeat's init script created HA_RSCTMP (as root); agents fail to write state files
    // without it. A daemon not running as root (tests) leaves it to whoever set it up.
    const rscTmpProblem = process.geteuid?.() === 0 ? ensureRscTmp(heartbeatEnvironment(config.current)) : null;
    if (rscTmpProblem) log.warn('rsctmp-missing', rscTmpProblem);
    await reclaimAtStartup({ config: config.current, runner, log });

    const links = wiring.createLinks(config.current, clock, log);
    const linkNames = links.map((l) => l.name);
    const codec = wiring.createCodec(config.current);
    const machine = new FailoverMachine(coreConfigFrom(config.current, linkNames), { generation: state.generation, standby: state.standby, placements: state.moves, now: clock.now() });
    // Metrics (tb_metrics_port) observe frames and script runs as they happen; off: no observers.
    const metrics: DaemonMetrics | null = ext.metricsPort > 0
      ? new DaemonMetrics({ report: () => control.statusReport(), coreEvents: () => loop.coreEvents() }, {
          links: linkNames, resources: config.current.groups.flatMap((g) => g.resources.map((r) => r.id)), processMetrics: { eventLoopSampleMs: METRICS_EVENT_LOOP_SAMPLE_MS },
        })
      : null;
    const actions = observedActions(createWorldActions({ config: () => config.current, runner, stateFile: ext.stateFile, log }), metrics);
    // A graceful stop that cannot finish (a stop script failed or hangs) must still end: stop-guard.ts.
    // It looks after the loop's steps (started below, once the daemon is ready).
    const stopGuard = new StopGuard({ clock, status: () => loop.status(), deadlineMs: () => stopDeadlineMs(config.current) });
    const loop: Loop = new Loop({
      machine, links, codec, actions, clock, log, tickMs: tickPeriodMs(config.current), tickMergeMs: tickMergeMs(config.current), afterStep: (now) => {
        systemd.alive(now);
        stopGuard.onStep(now);
      },
      onFrameAccepted: metrics ? (link, at) => metrics.frameAccepted(link, at) : undefined,
    });
    cleanups.push(() => loop.close());
    // Armed starts end with nothing added (actions.ts): closed here on a stop; a daemon killed
    // outright closes their stdin by dying.
    cleanups.push(() => actions.disarm());

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
    if (config.current.realtime) await enterRealtime(config.current.rtprio, daemonLog);

    const control = createDaemonControl({
      configDir: opts.configDir,
      node: opts.node,
      config,
      codec,
      loop,
      links,
      clock,
      startedAt,
      log: daemonLog,
      reopenLog: () => log.reopen(),
      announceStopping: (why) => systemd.stopping(why),
    });
    // The deadtime advisor's figures, saved every minute and at stop for `twinbeat check`.
    const figures = startFiguresSaver({
      path: figuresPath(ext.stateFile),
      collect: () => figuresFrom(control.statusReport(), config.current, Date.now()),
      onError: (err) => daemonLog.warn('figures-save-failed', `cannot save inter-arrival figures: ${err.message}`),
    });
    cleanups.push(() => figures.stop());
    const controlServer = await startControlServer({
      path: ext.controlSocket,
      group: ext.controlGroup,
      handler: (request) => control.handle(request),
      onError: (err) => daemonLog.warn('control-error', err.message),
      limits: { maxConnections: connections.control },
    });
    cleanups.push(() => controlServer.close());
    // Read-only twin for monitoring (tb_status_group): status only, from half the control budget.
    const statusServer = await startStatusSocket({
      controlSocket: ext.controlSocket, group: ext.statusGroup, handler: (request) => control.handle(request), maxConnections: Math.max(1, Math.floor(connections.control / 2)),
      onError: (err) => daemonLog.warn('control-error', err.message),
    });
    cleanups.push(() => statusServer.close());

    // Metrics are an observer: a busy port is logged, it never keeps the daemon from failover.
    // The port is read at start; a reload that changes it takes effect at the next restart.
    if (metrics !== null) {
      try {
        const { metricsPort: port, metricsAddress: address } = ext;
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
        daemonLog.error('metrics-failed', `cannot serve metrics on ${ext.metricsAddress}:${ext.metricsPort}: ${(err as Error).message}`, { port: ext.metricsPort });
      }
    }

    if (opts.installSignalHandlers !== false) cleanups.push(installSignalHandlers(control, daemonLog, () => log.close()));

    loop.start();
    daemonLog.info('daemon-ready', `control socket ${ext.controlSocket}, ${links.length} link(s): ${linkNames.join(', ')}`);
    systemd.ready(`${config.current.self}: generation ${state.generation}, ${links.length} link(s) open`);
    opts.onReady?.({ stop: () => control.stop('stop requested'), reload: control.reload });
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
