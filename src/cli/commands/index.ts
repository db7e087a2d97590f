// Every `twinbeat` subcommand, in the order `twinbeat --help` lists them. Pure: a list.
import type { CliCommand } from '../command.js';
import type { Wiring } from '../../daemon/main.js';
import { createStartCommand, type StartOptions } from './start.js';
import { stopCommand } from './stop.js';
import { standbyCommand, onlineCommand, takeoverCommand, reloadCommand, moveCommand } from './control.js';
import { statusCommand } from './status.js';
import { checkCommand } from './check.js';
import { keygenCommand } from './keygen.js';
import { createResourceTestCommand } from './resource-test.js';
import { exportCommand } from './export.js';

export function createCommands(wiring: Wiring, startOptions: StartOptions = {}): CliCommand[] {
  return [
    createStartCommand(wiring, startOptions),
    stopCommand,
    statusCommand,
    standbyCommand,
    onlineCommand,
    takeoverCommand,
    moveCommand,
    reloadCommand,
    checkCommand,
    keygenCommand,
    createResourceTestCommand(),
    exportCommand,
  ];
}
