// Test helper (not a test): bumps the state file's generation in a tight loop until killed.
// Used by state-file.test.ts to kill -9 a writer at random instants.
import { bumpGeneration } from '../../../src/daemon/state-file.js';

const path = process.argv[2];
if (path === undefined) throw new Error('usage: state-writer.js STATEFILE');
let announced = false;
for (;;) {
  const state = await bumpGeneration(path);
  if (!announced) {
    process.stdout.write(`ready ${state.generation}\n`);
    announced = true;
  }
}
