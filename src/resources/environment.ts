// The environment Heartbeat gave every script it ran, rebuilt from a Config: the HA_* variables
// its master process set (heartbeat.c: HA_DIR, HA_FUNCS, HA_DATEFMT, HA_LOGFILE, HA_DEBUGLOG,
// HA_LOGFACILITY, HA_debug; hb_resource.c: HA_CURHOST, HA_NICEFAILBACK, HA_LOGD), HA_RSCTMP
// (resource-agents' ocf-directories default, which Heartbeat's init script created), and the
// ha.cf `env NAME=VALUE` lines as HA_NAME. Resource scripts of every class get it (under
// Heartbeat every child inherited it; ocf-shellfuncs logs through HA_LOGFACILITY and friends).
// Pure: builds a record; the one function that touches the file system is ensureRscTmp.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join, normalize } from 'node:path';
import type { Config } from '../config/types.js';
import { DEFAULT_CONFIG_DIR } from '../config/config-dir.js';

/** resource-agents 4.x's HA_RSCTMP (ocf-directories): agents keep their state files here. */
export const DEFAULT_RSCTMP = '/run/resource-agents';

/** Heartbeat's date format for ha_log lines in scripts (heartbeat.h HA_DATEFMT). */
const heartbeatDateFormat = '%Y/%m/%d_%T\t';

export type HeartbeatEnvInput = Pick<Config, 'self' | 'dir' | 'logfile' | 'debugfile' | 'logfacility' | 'debug' | 'env'>;

/**
 * HA_* for the scripts. Order of precedence, as in Heartbeat: the defaults (HA_RSCTMP), then the
 * `env` lines, then what the daemon itself sets (config validation already refuses `env` lines
 * for those names, DAEMON_SET_HA_NAMES).
 */
export function heartbeatEnvironment(c: HeartbeatEnvInput): Record<string, string> {
  // Configurations assembled by hand (tests, tools) may leave out what loadConfig always sets.
  const dir = c.dir ?? DEFAULT_CONFIG_DIR;
  const own: Record<string, string> = {
    HA_CURHOST: c.self,
    HA_DIR: dir,
    HA_FUNCS: join(dir, 'shellfuncs'),
    HA_DATEFMT: heartbeatDateFormat,
    // twinbeat has no ha_logd; scripts log to the files and facility below.
    HA_LOGD: 'no',
    // Heartbeat set it in its on/off modes; twinbeat always runs the handshake (legacy as on).
    HA_NICEFAILBACK: 'yes',
  };
  if (c.logfile) own['HA_LOGFILE'] = c.logfile;
  if (c.debugfile) own['HA_DEBUGLOG'] = c.debugfile;
  if (c.logfacility) own['HA_LOGFACILITY'] = c.logfacility;
  if (c.debug > 0) own['HA_debug'] = String(c.debug);
  if (c.self === undefined) delete own['HA_CURHOST'];
  return { HA_RSCTMP: DEFAULT_RSCTMP, ...(c.env ?? {}), ...own };
}

/**
 * Create HA_RSCTMP (mode 1755, like Heartbeat's init script) if missing: agents write their
 * state files there and fail when it does not exist. Returns the problem, or null.
 */
export function ensureRscTmp(env: Record<string, string>): string | null {
  const dir = env['HA_RSCTMP'];
  if (dir === undefined || !dir.startsWith('/')) return null;
  // One component at a time, not mkdirSync's recursive mode: that never returns for a path
  // under /proc (seen with Node.js 20: it loops on the ENOENT), and `env RSCTMP=` comes from ha.cf.
  const parts = normalize(dir).split('/').filter((p) => p !== '');
  try {
    for (let i = 1; i <= parts.length; i++) {
      const path = `/${parts.slice(0, i).join('/')}`;
      if (existsSync(path)) continue;
      mkdirSync(path, { mode: i === parts.length ? 0o1755 : 0o755 });
    }
    if (!statSync(dir).isDirectory()) return `cannot create HA_RSCTMP ${dir}: not a directory`;
    return null;
  } catch (err) {
    return `cannot create HA_RSCTMP ${dir}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`;
  }
}
