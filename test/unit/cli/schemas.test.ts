// The shipped JSON Schemas (src/cli/schemas) against real output: `status --json` from a running
// daemon (the real composition root with a silent peer), without a daemon, on a usage error;
// `check --json` of a valid and an invalid configuration. And the schemas are not vacuous: a
// report missing a field or with an impossible value is rejected.
// Runs the daemon in-process with memory links; touches only temp directories it creates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { statusSchema, checkSchema } from '../../../src/cli/schemas/index.js';
import { runCli } from '../../../src/cli/dispatch.js';
import { statusCommand } from '../../../src/cli/commands/status.js';
import { checkCommand } from '../../../src/cli/commands/check.js';
import { runDaemon, type DaemonHandle } from '../../../src/daemon/main.js';
import { silentPairConfig, silentWiring, SilentLink } from '../daemon/memory-wiring.js';
import { repoRoot } from '../../support/paths.js';

// ajv is CommonJS; its draft 2020-12 class is the default export of ajv/dist/2020.
const Ajv2020 = createRequire(import.meta.url)('ajv/dist/2020') as new (opts: object) => {
  compile(schema: object): ((data: unknown) => boolean) & { errors?: unknown[] | null };
};
const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, strictTypes: false });
const validStatus = ajv.compile(statusSchema);
const validCheck = ajv.compile(checkSchema);

function assertValid(validate: typeof validStatus, doc: unknown, what: string): void {
  assert.ok(validate(doc), `${what}: ${JSON.stringify(validate.errors, null, 2)}\n${JSON.stringify(doc).slice(0, 2000)}`);
}

async function cli(argv: string[]) {
  let out = '';
  const code = await runCli(argv, { out: (s) => void (out += s), err: () => {} }, [statusCommand, checkCommand]);
  return { code, out };
}

test('the schemas ship: tsc copies them next to the compiled code', () => {
  assert.ok(existsSync(join(repoRoot, 'dist/src/cli/schemas/status.schema.json')));
  assert.ok(existsSync(join(repoRoot, 'dist/src/cli/schemas/check.schema.json')));
  assert.equal(statusSchema.$schema, 'https://json-schema.org/draft/2020-12/schema');
});

test('status --json of a running daemon, before and after it takes over, validates; so do the no-daemon and usage answers', { timeout: 60_000 }, async (t) => {
  const cfg = silentPairConfig(t);
  const notRunning = await cli(['-c', cfg.dir, 'status', '--json']);
  assert.equal(notRunning.code, 3);
  assertValid(validStatus, JSON.parse(notRunning.out), 'not running');
  const usage = await cli(['-c', cfg.dir, 'status', '--json', '--bogus']);
  assertValid(validStatus, JSON.parse(usage.out.split('\n')[0]!), 'usage error');

  let onReady!: (h: DaemonHandle) => void;
  const ready = new Promise<DaemonHandle>((resolve) => (onReady = resolve));
  const exit = runDaemon({ configDir: cfg.dir, node: 'alpha', foreground: false, installSignalHandlers: false, onReady }, { err: () => {} }, silentWiring([new SilentLink('memory:a')]));
  const handle = await Promise.race([ready, exit.then((code) => Promise.reject(new Error(`daemon exited ${code}`)))]);
  try {
    const early = await cli(['-c', cfg.dir, 'status', '--json']);
    assertValid(validStatus, JSON.parse(early.out), 'starting up');
    let later = early;
    const deadline = Date.now() + 20_000;
    while (!later.out.includes('"phase": "running"')) {
      if (Date.now() > deadline) throw new Error('never took over');
      await new Promise((r) => setTimeout(r, 100));
      later = await cli(['-c', cfg.dir, 'status', '--json']);
    }
    const doc = JSON.parse(later.out) as Record<string, unknown> & { groups: { holders: string[] }[]; health: { code: number } };
    assertValid(validStatus, doc, 'holding the group');
    assert.equal(later.code, doc.health.code);

    // Not vacuous: what a broken report would look like is refused.
    assert.equal(validStatus({ ...doc, links: undefined }), false, 'missing links');
    assert.equal(validStatus({ ...doc, groups: [{ ...doc.groups[0], holders: ['a', 'b', 'c'] }] }), false, 'three holders');
    assert.equal(validStatus({ ...doc, health: { level: 'fine', code: 0, problems: [] } }), false, 'unknown health level');
    assert.equal(validStatus({ running: false, reason: 'x' }), false, 'no error kind');
  } finally {
    handle.stop();
    assert.equal(await exit, 0);
  }
});

test('check --json of a valid and an invalid configuration validates; a wrong shape does not', async (t) => {
  const cfg = silentPairConfig(t);
  const valid = await cli(['-c', cfg.dir, '--node', 'alpha', 'check', '--json']);
  assert.equal(valid.code, 0, valid.out);
  const doc = JSON.parse(valid.out) as Record<string, unknown>;
  assertValid(validCheck, doc, 'valid configuration');
  const empty = mkdtempSync(join(tmpdir(), 'tb-schema-'));
  t.after(() => rmSync(empty, { recursive: true, force: true }));
  const invalid = await cli(['-c', empty, '--node', 'alpha', 'check', '--json']);
  assert.equal(invalid.code, 1);
  assertValid(validCheck, JSON.parse(invalid.out), 'invalid configuration');
  assert.equal(validCheck({ ...doc, errors: [{ file: 'x' }] }), false, 'an error without its fields');
  assert.equal(validCheck({ ...doc, plan: undefined }), false, 'valid without a plan');
});
