// Where the running daemon can be reached: control socket and pidfile from ha.cf's tb_* lines.
// Read leniently (parse errors elsewhere in ha.cf do not matter here), so `twinbeat status` and
// `twinbeat stop` keep working while someone is halfway through editing the config. Defaults
// come from the directive table (src/config/directives.ts). Reads DIR/ha.cf only.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseHaCf } from '../config/hacf.js';
import { settingOrDefault } from '../config/directives.js';

export interface RuntimePaths {
  controlSocket: string;
  pidFile: string;
  logfile: string | null;
  debugfile: string | null;
  logfacility: string | null;
}

/**
 * ha.cf exists but cannot be read (typically: a non-root user and a root-only ha.cf). Guessing
 * the default socket then would report "not running" about a daemon that may well be running.
 */
export class UnreadableConfigError extends Error {
  override readonly name = 'UnreadableConfigError';
  constructor(
    readonly file: string,
    readonly code: string,
  ) {
    super(
      code === 'EACCES' || code === 'EPERM'
        ? `permission denied reading ${file} (it names the control socket and pid file): run as root`
        : `cannot read ${file}: ${code}`,
    );
  }
}

/** Throws UnreadableConfigError when ha.cf exists but cannot be read; a missing one means defaults. */
export function runtimePaths(configDir: string): RuntimePaths {
  const file = join(configDir, 'ha.cf');
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    // No ha.cf at all: the defaults are the best guess.
    if (code !== 'ENOENT') throw new UnreadableConfigError(file, code);
  }
  const { values } = parseHaCf(text, file);
  return {
    controlSocket: settingOrDefault(values, 'controlSocket'),
    pidFile: settingOrDefault(values, 'pidFile'),
    logfile: values.logfile?.value ?? null,
    debugfile: values.debugfile?.value ?? null,
    logfacility: settingOrDefault(values, 'logfacility'),
  };
}
