// Where the running daemon can be reached: control socket and pidfile from ha.cf's tb_* lines.
// Read leniently (parse errors elsewhere in ha.cf do not matter here), so `twinbeat status` and
// `twinbeat stop` keep working while someone is halfway through editing the config.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseHaCf } from '../config/hacf.js';

/** Defaults of tb_control_socket and tb_pid_file (src/config/directives.ts documents the same). */
export const DEFAULT_CONTROL_SOCKET = '/run/twinbeat/control.sock';
export const DEFAULT_PID_FILE = '/run/twinbeat/twinbeat.pid';

export interface RuntimePaths {
  controlSocket: string;
  pidFile: string;
  logfile: string | null;
  debugfile: string | null;
  logfacility: string | null;
}

export function runtimePaths(configDir: string): RuntimePaths {
  const file = join(configDir, 'ha.cf');
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    // No readable ha.cf: the defaults are the best guess.
  }
  const { values } = parseHaCf(text, file);
  return {
    controlSocket: values.controlSocket?.value ?? DEFAULT_CONTROL_SOCKET,
    pidFile: values.pidFile?.value ?? DEFAULT_PID_FILE,
    logfile: values.logfile?.value ?? null,
    debugfile: values.debugfile?.value ?? null,
    logfacility: values.logfacility?.value ?? null,
  };
}
