#!/usr/bin/env -S node --lite-mode --no-expose-wasm
// The `twinbeat` executable: wire the real world into the command list and run.
import { runCli } from './dispatch.js';
import { createCommands } from './commands/index.js';
import { realWiring } from '../daemon/wiring.js';

const io = {
  out: (text: string) => void process.stdout.write(text),
  err: (text: string) => void process.stderr.write(text),
};

const code = await runCli(process.argv.slice(2), io, createCommands(realWiring));
// Let stdout drain, then exit even if something (a detached child's handle) lingers.
process.stdout.write('', () => process.exit(code));
