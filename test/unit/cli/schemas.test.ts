// The shipped JSON Schemas (src/cli/schemas) against real output: `status --json` from a running
// daemon (the real composition root with a silent peer) starting up, holding its group, after an
// operator move, with a group that fails to start and that nobody may hold; without a daemon; on
// a usage error; the report builder with every optional field filled; `check --json` of a valid
// configuration with a warning and saved (or broken) inter-arrival figures, and of an invalid one.
// The schemas are exact: every object refuses fields it does not list, every field is typed and
// required unless declared optional, so a field added to the code but not to the schema fails.
// Runs the daemon in-process with memory links; touches only temp directories it creates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { statusSchema, checkSchema } from '../../../src/cli/schemas/index.js';
import { runCli } from '../../../src/cli/dispatch.js';
import { statusCommand, statusJson } from '../../../src/cli/commands/status.js';
import { checkCommand } from '../../../src/cli/commands/check.js';
import { assessStatus } from '../../../src/cli/status-health.js';
import { controlRequest } from '../../../src/daemon/control.js';
import { runDaemon, type DaemonHandle } from '../../../src/daemon/main.js';
import { buildStatusReport } from '../../../src/daemon/status-report.js';
import { figuresPath } from '../../../src/daemon/inter-arrival-file.js';
import { silentPairConfig, silentWiring, SilentLink } from '../daemon/memory-wiring.js';
import { repoRoot } from '../../support/paths.js';
import { validStatus, validCheck, assertValid, schemaHoles } from '../../support/json-schemas.js';
import { LINK_STATES, PEER_STATES, ROLES, UPLINK_STATES } from '../../../src/daemon/metrics-registry.js';

async function cli(argv: string[]) {
  let out = '';
  const code = await runCli(argv, { out: (s) => void (out += s), err: () => {} }, [statusCommand, checkCommand]);
  return { code, out };
}

/** The fields that may be absent on purpose (everything else listed is required). */
const STATUS_OPTIONAL = ['#/$defs/report.uplink', '#/$defs/report/properties/lastCommand/oneOf[1].group'];
const CHECK_OPTIONAL = ['#.settings', '#.plan', '#.digest', '#.measured', '#/$defs/error.hint'];

test('the schemas ship: tsc copies them next to the compiled code', () => {
  assert.ok(existsSync(join(repoRoot, 'dist/src/cli/schemas/status.schema.json')));
  assert.ok(existsSync(join(repoRoot, 'dist/src/cli/schemas/check.schema.json')));
  assert.equal(statusSchema.$schema, 'https://json-schema.org/draft/2020-12/schema');
});

test('the schemas are exact: no object takes unlisted fields, every field is typed and required unless declared optional', () => {
  assert.deepEqual(schemaHoles(statusSchema, STATUS_OPTIONAL), []);
  assert.deepEqual(schemaHoles(checkSchema, CHECK_OPTIONAL), []);
  // The check itself finds each kind of hole.
  const open = { type: 'object', required: ['a'], properties: { a: { type: 'string' }, b: { description: 'untyped' }, c: { type: 'number' } } };
  assert.deepEqual(schemaHoles(open), ['#: additionalProperties is not false', '#.b: neither required nor declared optional', '#.b: no type', '#.c: neither required nor declared optional']);
  assert.deepEqual(schemaHoles({ ...open, additionalProperties: false, required: ['a', 'b', 'c'] }), ['#.b: no type']);
});

async function startSilentDaemon(dir: string) {
  let onReady!: (h: DaemonHandle) => void;
  const ready = new Promise<DaemonHandle>((resolve) => (onReady = resolve));
  const exit = runDaemon({ configDir: dir, node: 'alpha', foreground: false, installSignalHandlers: false, onReady }, { err: () => {} }, silentWiring([new SilentLink('memory:a')]));
  const handle = await Promise.race([ready, exit.then((code) => Promise.reject(new Error(`daemon exited ${code}`)))]);
  return { handle, exit };
}

/** `status --json` until `until` holds of the document (20 s at most). */
async function statusUntil(dir: string, what: string, until: (doc: StatusDoc) => boolean) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const r = await cli(['-c', dir, 'status', '--json']);
    const doc = JSON.parse(r.out) as StatusDoc;
    if (until(doc)) return { ...r, doc };
    if (Date.now() > deadline) throw new Error(`never: ${what}\n${r.out}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface StatusDoc {
  running: boolean;
  health: { level: string; code: number; problems: { level: string; text: string }[] };
  lastCommand: { command: string; group?: string; accepted: boolean } | null;
  uplink?: { state: string };
  groups: { key: string; phase: string; holders: string[]; move: { node: string; how: string } | null; noEligibleHolder: string | null }[];
  [key: string]: unknown;
}

test('status --json of a running daemon validates: starting up, holding, after a move, in standby with nobody eligible; so do the no-daemon and usage answers', { timeout: 60_000 }, async (t) => {
  const cfg0 = silentPairConfig(t);
  const notRunning = await cli(['-c', cfg0.dir, 'status', '--json']);
  assert.equal(notRunning.code, 3);
  assertValid(validStatus, JSON.parse(notRunning.out), 'not running');
  const usage = await cli(['-c', cfg0.dir, 'status', '--json', '--bogus']);
  assertValid(validStatus, JSON.parse(usage.out.split('\n')[0]!), 'usage error');

  const cfg = cfg0;
  let { handle, exit } = await startSilentDaemon(cfg.dir);
  try {
    const early = await cli(['-c', cfg.dir, 'status', '--json']);
    assertValid(validStatus, JSON.parse(early.out), 'starting up');
    const holding = await statusUntil(cfg.dir, 'holds its group', (d) => d.groups[0]!.phase === 'running');
    assertValid(validStatus, holding.doc, 'holding the group');
    assert.equal(holding.code, holding.doc.health.code);
    assert.equal(holding.doc.uplink?.state, 'off', 'the daemon always reports uplink tracking');
    const key = holding.doc.groups[0]!.key;

    // An operator move to this node (accepted: it may take the group) fills `move` and `lastCommand.group`.
    const move = await controlRequest(cfg.socket, { cmd: 'move', group: key, node: 'alpha' }, 5000);
    assert.equal(move.ok, true, JSON.stringify(move));
    const moved = await statusUntil(cfg.dir, 'the move shows', (d) => d.groups[0]!.move !== null);
    assertValid(validStatus, moved.doc, 'after a move');
    assert.deepEqual([moved.doc.groups[0]!.move?.node, moved.doc.groups[0]!.move?.how, moved.doc.lastCommand?.group], ['alpha', 'move', key]);
  } finally {
    handle.stop();
    assert.equal(await exit, 0);
  }

  // A group whose start fails here while the peer is silent: failed here, the retries spent,
  // nobody may hold it, which the core reports a deadtime later (standby would be cancelled:
  // availability first).
  const failing = silentPairConfig(t);
  mkdirSync(join(failing.dir, 'resource.d'));
  writeFileSync(join(failing.dir, 'resource.d', 'a14mFail'), '#!/bin/sh\ncase "$1" in start) echo "ocf-exit-reason:cannot start" >&2; exit 1;; status) echo stopped; exit 3;; *) exit 0;; esac\n', { mode: 0o755 });
  writeFileSync(join(failing.dir, 'haresources'), 'alpha a14mFail\n');
  ({ handle, exit } = await startSilentDaemon(failing.dir));
  try {
    const orphan = await statusUntil(failing.dir, 'no eligible holder', (d) => d.groups[0]!.noEligibleHolder !== null);
    assertValid(validStatus, orphan.doc, 'failed here, nobody eligible');
    assert.equal(orphan.code, 2, 'a group nobody may hold is critical');
    assert.match(orphan.doc.health.problems[0]!.text, /^a14mFail runs nowhere: not eligible here \(.*\) and beta is (dead|unknown)$/);

    // Not vacuous: what a broken report would look like is refused.
    const doc = orphan.doc;
    assert.equal(validStatus({ ...doc, links: undefined }), false, 'missing links');
    assert.equal(validStatus({ ...doc, groups: [{ ...doc.groups[0], holders: ['a', 'b', 'c'] }] }), false, 'three holders');
    assert.equal(validStatus({ ...doc, health: { level: 'fine', code: 0, problems: [] } }), false, 'unknown health level');
    assert.equal(validStatus({ running: false, reason: 'x' }), false, 'no error kind');
    assert.equal(validStatus({ ...doc, brandNew: 1 }), false, 'an undocumented top-level field');
    assert.equal(validStatus({ ...doc, groups: [{ ...doc.groups[0], brandNew: true }] }), false, 'an undocumented group field');
    assert.equal(validStatus({ ...doc, groups: [{ ...doc.groups[0], noEligibleHolder: 3 }] }), false, 'a wrong-typed field');
    assert.equal(validStatus({ ...doc, uplink: { ...doc.uplink, score: 2 } }), false, 'an undocumented uplink field');
  } finally {
    handle.stop();
    assert.equal(await exit, 0);
  }
});

test('status --json: a report with uplink scores, a handover, a move, a command and link figures validates (the report builder, every optional filled)', () => {
  const report = buildStatusReport(
    {
      now: 100_000,
      self: { name: 'alpha', role: 'active', standby: false, deferringToPeer: 'online', generation: 3, seq: 9, leaving: false },
      peer: { name: 'beta', state: 'alive', role: 'standby', standby: true, generation: 2, leftGracefully: false, lastHeardAgoMs: 100.4, stable: true },
      links: [{ name: 'memory:a', state: 'late', lastHeardAgoMs: 700.2, mediumUp: false, mediumReason: 'ENODEV' }],
      groups: [{ index: 0, key: 'Dummy::x', owner: 'beta', desired: 'self', placement: { group: 'Dummy::x', node: 'alpha', how: 'standby', at: 1_700_000_000_000 }, phase: 'starting', selfHolds: true, selfWants: true, peerHolds: false, peerWants: false,
        pendingHandover: 'awaiting-grant', failedHere: false, stopFailed: false, why: 'moved by operator', noEligibleHolder: null, resources: [{ id: 'Dummy::x', state: 'starting', monitorFailures: 1, restarts: 2 }] }],
      takeoverGate: 'pinging',
      uplink: { state: 'recovering', self: { score: 1, total: 2, failing: ['ping 10.0.0.1'] }, peer: 2, since: 90_000, why: 'better again', lastHandover: { at: 80_000, why: 'worse' }, handovers: 1 },
      configDigestMatch: false,
      takeoverDemandPending: true,
      hooks: { running: [], queued: [] },
      lastCommand: { command: 'standby', group: 'Dummy::x', accepted: true, reason: 'ok', at: 99_000 },
    },
    [{ name: 'memory:a', kind: 'memory', stats: { framesSent: 5, framesReceived: 4, bytesSent: 0, bytesReceived: 0, drops: { 'bad-mac': 1 }, lastHeardAt: null,
      interArrival: { mean: 100, p50: 100, p99: 120, p999: 130, max: 140, count: 100 } }, protocolDrops: { replay: 2 } }],
    { pid: 1, version: '0.1.0', uptimeMs: 1000, configDir: '/etc/ha.d', stateFile: '/x' },
    'abcdef',
  );
  assert.notEqual(report.links[0]!.supportedDeadtimeMs, null, 'the advisor has enough gaps');
  assertValid(validStatus, JSON.parse(statusJson(report, assessStatus(report))), 'every optional field filled');
});

test('check --json validates: a valid configuration with a warning and saved inter-arrival figures, a broken figures file, an invalid configuration; a wrong shape does not', async (t) => {
  const cfg = silentPairConfig(t);
  appendFileSync(join(cfg.dir, 'ha.cf'), 'watchdog /dev/watchdog\n');
  const valid = await cli(['-c', cfg.dir, '--node', 'alpha', 'check', '--json']);
  assert.equal(valid.code, 0, valid.out);
  const doc = JSON.parse(valid.out) as Record<string, unknown> & { warnings: unknown[]; measured: unknown };
  assertValid(validCheck, doc, 'valid configuration');
  assert.ok(doc.warnings.length > 0, 'the watchdog line is a warning');
  assert.equal(doc.measured, null, 'no figures saved yet');
  const figures = { version: 1, savedAt: Date.now() - 5000, node: 'alpha', keepaliveMs: 100, deadtimeMs: 1000,
    links: [{ name: 'memory:a', kind: 'memory', interArrival: { mean: 100, p50: 100, p99: 110, p999: 120, max: 130, count: 500 }, supportedDeadtimeMs: 240 }] };
  writeFileSync(figuresPath(cfg.state), JSON.stringify(figures));
  const measured = JSON.parse((await cli(['-c', cfg.dir, '--node', 'alpha', 'check', '--json'])).out) as { measured: { needed: unknown } };
  assertValid(validCheck, measured, 'with saved figures');
  assert.notEqual(measured.measured.needed, null);
  writeFileSync(figuresPath(cfg.state), '{"version": 1, "extra": ');
  const broken = JSON.parse((await cli(['-c', cfg.dir, '--node', 'alpha', 'check', '--json'])).out) as { measured: { problem: string } };
  assertValid(validCheck, broken, 'with a broken figures file');
  assert.equal(broken.measured.problem, 'not JSON');
  const strict = await cli(['-c', cfg.dir, '--node', 'alpha', 'check', '--json', '--strict']);
  assert.equal(strict.code, 1);
  assertValid(validCheck, JSON.parse(strict.out), '--strict with a warning');

  const empty = mkdtempSync(join(tmpdir(), 'tb-schema-'));
  t.after(() => rmSync(empty, { recursive: true, force: true }));
  const invalid = await cli(['-c', empty, '--node', 'alpha', 'check', '--json']);
  assert.equal(invalid.code, 1);
  assertValid(validCheck, JSON.parse(invalid.out), 'invalid configuration');
  assert.equal(validCheck({ ...doc, errors: [{ file: 'x' }] }), false, 'an error without its fields');
  assert.equal(validCheck({ ...doc, plan: undefined }), false, 'valid without a plan');
  assert.equal(validCheck({ ...doc, brandNew: 1 }), false, 'an undocumented field');
  assert.equal(validCheck({ ...doc, warnings: [{ ...(doc.warnings[0] as object), lost: 5 }] }), false, 'a wrong-typed warning');
});

test('status.schema.json and the metrics name the same states and roles (the schema adds "unknown" where a value may not be known yet)', () => {
  const defs = statusSchema.$defs as unknown as Record<string, { properties: Record<string, { enum?: unknown[] }> }>;
  const without = (list: unknown[] | undefined, extra: string[]) => (list ?? []).filter((v) => !extra.includes(v as string));
  assert.deepEqual(without(defs['link']!.properties['state']!.enum, ['unknown']), [...LINK_STATES]);
  assert.deepEqual(defs['peer']!.properties['state']!.enum, [...PEER_STATES]);
  assert.deepEqual(defs['uplink']!.properties['state']!.enum, [...UPLINK_STATES]);
  assert.deepEqual(without(defs['self']!.properties['role']!.enum, ['unknown']), ROLES);
  assert.deepEqual(defs['self']!.properties['role']!.enum, defs['peer']!.properties['role']!.enum);
});
