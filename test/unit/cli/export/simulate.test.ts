// The exported CIB behaves like the pair it came from, as Pacemaker's own scheduler decides it
// (crm_simulate, no cluster needed): each group starts on its haresources node, moves to the peer
// when that node fails, and comes back (auto_failback on) or stays (off); a node that reaches no
// ping host gives its groups up. Needs Debian's pacemaker-cli-utils; skipped when it is missing.
// Writes only temporary files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportPacemaker } from '../../../../src/cli/export/pacemaker.js';
import type { Config } from '../../../../src/config/types.js';
import { loadFixture, loadText } from './support.js';

const skip = spawnSync('crm_simulate', ['--version'], { stdio: 'ignore' }).error === undefined ? false : 'crm_simulate not installed (apt-get install pacemaker-cli-utils)';
const work = mkdtempSync(join(tmpdir(), 'tb-export-sim-'));
test.after(() => rmSync(work, { recursive: true, force: true }));
let step = 0;

interface Outcome {
  /** The CIB with the simulated status, for the next step. */
  cib: string;
  summary: string;
  /** Resource → node it runs on after the transition, or null when stopped. */
  where: Map<string, string | null>;
}

/** One scheduler run with quorum, the transition executed (-S), its outcome saved. */
function simulate(cib: string, ...args: string[]): Outcome {
  const input = join(work, `step-${++step}.xml`);
  const output = join(work, `step-${step}-out.xml`);
  writeFileSync(input, cib);
  const r = spawnSync('crm_simulate', ['--xml-file', input, '--quorum', 'true', '--simulate', '--save-output', output, ...args], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
  const revised = r.stdout.slice(r.stdout.indexOf('Revised Cluster Status'));
  const where = new Map<string, string | null>();
  for (const m of revised.matchAll(/^\s*\* (\S+)\t\([^)]*\):\s+(Started (\S+)|Stopped)/gm)) where.set(m[1]!, m[3] ?? null);
  const summary = r.stdout.slice(r.stdout.indexOf('Transition Summary'), r.stdout.indexOf('Executing Cluster Transition'));
  return { cib: readFileSync(output, 'utf8'), summary, where };
}

/** Sets a node's transient attributes (what attrd would hold, e.g. pingd) in a simulated status. */
function withAttributes(cib: string, node: string, attrs: Record<string, string>): string {
  const pairs = Object.entries(attrs).map(([k, v]) => `<nvpair id="status-${node}-${k}" name="${k}" value="${v}"/>`).join('');
  const block = `<transient_attributes id="${node}"><instance_attributes id="status-${node}">${pairs}</instance_attributes></transient_attributes>`;
  const state = new RegExp(`(<node_state id="${node}"[^>]*>)(\\s*<transient_attributes id="${node}">[\\s\\S]*?</transient_attributes>)?`);
  assert.match(cib, state, `${node} has a node_state`);
  return cib.replace(state, `$1${block}`);
}

function cibOf(config: Config): string {
  return exportPacemaker({ config, clusterName: 'twinbeat', localAddresses: null }).cib;
}

function placed(o: Outcome, resources: string[]): (string | null)[] {
  return resources.map((r) => o.where.get(r) ?? null);
}

const twoGroups = (failback: 'on' | 'off') => ({
  haCf: `node alpha beta\nbcast eth0\nauto_failback ${failback}\n`,
  haresources: 'alpha 10.0.0.10 svc-a\nbeta 10.0.0.11 svc-b\n',
  scripts: { 'svc-a': 'lsb', 'svc-b': 'lsb' } as const,
});
const groupA = ['ip-10.0.0.10', 'svc-a'];
const groupB = ['ip-10.0.0.11', 'svc-b'];

test('auto_failback on: start on the haresources node, fail over, fail back', { skip }, async () => {
  const cib = cibOf(await loadText(twoGroups('on')));
  const up = simulate(cib, '--node-up', 'alpha', '--node-up', 'beta');
  assert.deepEqual(placed(up, [...groupA, ...groupB]), ['alpha', 'alpha', 'beta', 'beta']);
  const failed = simulate(up.cib, '--node-fail', 'alpha');
  assert.match(failed.summary, /Fence \(reboot\) alpha/, 'recovery waits for fencing');
  assert.deepEqual(placed(failed, groupA), ['beta', 'beta']);
  const back = simulate(failed.cib, '--node-up', 'alpha');
  assert.deepEqual(placed(back, [...groupA, ...groupB]), ['alpha', 'alpha', 'beta', 'beta']);
});

test('auto_failback off: the group stays on the peer after its node returns', { skip }, async () => {
  const cib = cibOf(await loadText(twoGroups('off')));
  const up = simulate(cib, '--node-up', 'alpha', '--node-up', 'beta');
  assert.deepEqual(placed(up, [...groupA, ...groupB]), ['alpha', 'alpha', 'beta', 'beta'], 'a fresh start still honours the haresources node');
  const failed = simulate(up.cib, '--node-fail', 'alpha');
  assert.deepEqual(placed(failed, groupA), ['beta', 'beta']);
  const back = simulate(failed.cib, '--node-up', 'alpha');
  assert.deepEqual(placed(back, [...groupA, ...groupB]), ['beta', 'beta', 'beta', 'beta']);
  assert.doesNotMatch(back.summary, /Move/);
  // What `crm_resource --move` / `pcs resource move` add: stickiness is finite, so the move wins.
  const moved = simulate(back.cib.replace('</constraints>', '<rsc_location id="cli-prefer-a" rsc="group-ip-10.0.0.10" node="alpha" score="INFINITY"/></constraints>'));
  assert.deepEqual(placed(moved, [...groupA, ...groupB]), ['alpha', 'alpha', 'beta', 'beta']);
});

test('ping nodes: nothing runs where no ping host answers; losing the uplink moves the group', { skip }, async () => {
  const cib = cibOf(await loadFixture('valid', 'heartbeat-v1'));
  const group = ['ip-10.0.0.100', 'apache2'];
  const up = simulate(cib, '--node-up', 'alpha', '--node-up', 'beta');
  assert.deepEqual(placed(up, group), [null, null], 'no ping result yet: no node qualifies');
  const connected = simulate(withAttributes(withAttributes(up.cib, 'alpha', { pingd: '1000' }), 'beta', { pingd: '1000' }));
  assert.deepEqual(placed(connected, group), ['alpha', 'alpha']);
  const cut = simulate(withAttributes(connected.cib, 'alpha', { pingd: '0' }));
  assert.deepEqual(placed(cut, group), ['beta', 'beta']);
  const bothCut = simulate(withAttributes(cut.cib, 'beta', { pingd: '0' }));
  assert.deepEqual(placed(bothCut, group), [null, null], 'isolated everywhere: stopped everywhere');
});
