// Test helper (not a test): the twinbeat CLI with the silent-peer wiring, so `start` (which
// re-runs this file detached), `stop` and `status` can be tested as real processes.
import { fileURLToPath } from 'node:url';
import { runCli } from '../../../src/cli/dispatch.js';
import { createCommands } from '../../../src/cli/commands/index.js';
import { silentWiring } from '../daemon/memory-wiring.js';

const io = { out: (t: string) => void process.stdout.write(t), err: (t: string) => void process.stderr.write(t) };
const code = await runCli(process.argv.slice(2), io, createCommands(silentWiring(), { entry: fileURLToPath(import.meta.url) }));
process.stdout.write('', () => process.exit(code));
