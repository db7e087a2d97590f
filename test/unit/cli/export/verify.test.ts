// The exported files checked by the cluster stack's own tools: every CIB (sample configuration,
// every valid config fixture, a hostile one) passes `crm_verify --xml-file` with no error and no
// warning, and corosync.conf passes `corosync -t` once its addresses are filled in (this host
// must be in the nodelist, so loopback stands in). Needs Debian's pacemaker-cli-utils and
// corosync; skipped with the reason when they are not installed. The pcs script is run too, against
// an empty CIB file instead of the live cluster (pcs -f works offline), and what it builds must
// pass crm_verify as well (needs Debian's pcs). Writes only temporary files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { exportPacemaker } from '../../../../src/cli/export/pacemaker.js';
import { loadConfig } from '../../../../src/config/load.js';
import { scriptChecks } from '../../../../src/resources/locate.js';
import { formatError } from '../../../../src/config/errors.js';
import { authkeysText } from '../../../../src/cli/commands/keygen.js';
import type { Config } from '../../../../src/config/types.js';
import { repoRoot } from '../../../support/paths.js';
import { configFixtures } from '../../config/stage.js';
import { loadFixture, loadText } from './support.js';

function installed(tool: string): boolean {
  return spawnSync(tool, ['--version'], { stdio: 'ignore' }).error === undefined;
}
const crmVerify = installed('crm_verify') ? false : 'crm_verify not installed (apt-get install pacemaker-cli-utils)';
const pcs = installed('pcs') ? false : 'pcs not installed (apt-get install pcs)';
const corosync = spawnSync('corosync', ['-v'], { stdio: 'ignore' }).error === undefined ? false : 'corosync not installed (apt-get install corosync)';

const work = mkdtempSync(join(tmpdir(), 'tb-export-verify-'));
test.after(() => rmSync(work, { recursive: true, force: true }));

async function sampleConfig(): Promise<Config> {
  const dir = mkdtempSync(join(work, 'sample-'));
  copyFileSync(join(repoRoot, 'ha.cf'), join(dir, 'ha.cf'));
  copyFileSync(join(repoRoot, 'haresources'), join(dir, 'haresources'));
  writeFileSync(join(dir, 'authkeys'), authkeysText('ab'.repeat(32)), { mode: 0o600 });
  const r = await loadConfig(dir, 'alpha', { scripts: scriptChecks(dir) });
  assert.ok(r.ok, r.ok ? '' : r.errors.map(formatError).join('\n'));
  return r.config;
}

const cases: { name: string; config: () => Promise<Config> }[] = [
  { name: 'sample ha.cf + haresources', config: sampleConfig },
  ...readdirSync(join(configFixtures, 'valid')).map((name) => ({ name: `fixture ${name}`, config: () => loadFixture('valid', name) })),
  {
    name: 'hostile values, ping nodes and a resource named ping',
    config: () =>
      loadText({
        haCf: 'node alpha beta\nbcast eth0\nping 10.0.0.1\nping_group gw 10.0.0.2 10.0.0.3\nauto_failback off\ntb_monitor ping interval=3s\n',
        haresources: `alpha myagent::name=<x>&"y'-->z ping 9lives::--a\nbeta 10.0.0.20/24/eth0:1/10.0.0.255 Filesystem::/dev/sdb1::/srv::xfs\n`,
        scripts: { myagent: 'ocf', ping: 'lsb', '9lives': 'heartbeat', Filesystem: 'heartbeat' },
      }),
  },
];

function run(tool: string, args: string[], timeoutMs = 30_000): { status: number | null; output: string } {
  const r = spawnSync(tool, args, { encoding: 'utf8', timeout: timeoutMs });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

for (const c of cases) {
  test(`crm_verify accepts the CIB: ${c.name}`, { skip: crmVerify }, async () => {
    const config = await c.config();
    const file = join(work, `${c.name.replace(/\W+/g, '-')}.xml`);
    writeFileSync(file, exportPacemaker({ config, clusterName: 'twinbeat', localAddresses: null }).cib);
    // -V prints warnings too; exit 0 means neither errors nor warnings.
    const r = run('crm_verify', ['-V', '--xml-file', file]);
    assert.equal(r.status, 0, r.output);
    assert.doesNotMatch(r.output, /error|warning: (?!Fencing and resource management disabled due to lack of quorum)/i, r.output);
  });

  test(`corosync -t accepts corosync.conf once its addresses are filled in: ${c.name}`, { skip: corosync }, async () => {
    const config = await c.config();
    const conf = exportPacemaker({ config, clusterName: 'twinbeat', localAddresses: null }).corosyncConf;
    const key = join(work, 'authkey');
    writeFileSync(key, randomBytes(256), { mode: 0o400 });
    const file = join(work, `${c.name.replace(/\W+/g, '-')}.conf`);
    writeFileSync(file, withAddresses(conf, key));
    const r = run('corosync', ['-t', '-c', file]);
    assert.equal(r.status, 0, r.output);
  });
}

// pcs takes about a second per command, so two cases: the fullest fixture and the hostile one.
for (const c of cases.filter((x) => /twinbeat-full|hostile/.test(x.name))) {
  test(`the pcs script builds a CIB that crm_verify accepts: ${c.name}`, { skip: crmVerify || pcs }, async () => {
    const config = await c.config();
    const stem = join(work, `pcs-${c.name.replace(/\W+/g, '-')}`);
    writeFileSync(`${stem}.sh`, offline(exportPacemaker({ config, clusterName: 'twinbeat', localAddresses: null }).pcsScript, `${stem}.xml`));
    // A correctness check, not a timing one: about a second per pcs command on an idle machine,
    // many times that on a loaded one (30 s was seen at load 11), so a generous bound.
    const r = run('nice', ['-n', '10', 'sh', `${stem}.sh`], 180_000);
    assert.equal(r.status, 0, r.output);
    const v = run('crm_verify', ['-V', '--xml-file', `${stem}.xml`]);
    assert.equal(v.status, 0, v.output);
    const built = readFileSync(`${stem}.xml`, 'utf8');
    for (const g of config.groups) assert.match(built, new RegExp(`<rsc_location [^>]*node="${g.owner}" score="100"`));
    const values = [...built.matchAll(/ name="name" value="([^"]*)"/g)].map((m) => m[1]!.replace(/&(lt|gt|quot|apos|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e]!));
    if (c.name.startsWith('hostile')) assert.deepEqual(values, [`<x>&"y'-->z`], 'the value reached the CIB through sh and pcs unchanged');
    assert.equal((built.match(/<primitive /g) ?? []).length, 1 + config.groups.reduce((n, g) => n + g.resources.length, 0) + (config.ping.length + config.pingGroups.length > 0 ? 1 : 0));
  });
}

test('crm_verify would catch what this test guards against: stonith-enabled=true without any device', { skip: crmVerify }, async () => {
  const cib = exportPacemaker({ config: await loadFixture('valid', 'heartbeat-v1'), clusterName: 'twinbeat', localAddresses: null }).cib;
  const file = join(work, 'no-device.xml');
  writeFileSync(file, cib.replace(/<primitive id="fence-CONFIGURE-ME"[^>]*\/>/, ''));
  const r = run('crm_verify', ['-V', '--xml-file', file]);
  assert.notEqual(r.status, 0);
  assert.match(r.output, /no STONITH resources have been defined/);
});

const agentKnown = new Map<string, boolean>();
/**
 * The script as run here: an empty CIB file instead of the live one, no push. Agents this host
 * lacks (init scripts and agents that exist only on the cluster nodes) get --force, which pcs
 * asks for; agents that are installed (IPaddr2, ping, ...) are checked by pcs, parameter names
 * included.
 */
function offline(script: string, cibFile: string): string {
  return script
    .split('\n')
    .map((line) => {
      if (line === 'cib=$(mktemp)') return `cib=${cibFile}`;
      if (line.startsWith('trap ')) return '';
      if (line === 'pcs cluster cib "$cib"') return 'cibadmin --empty > "$cib"';
      if (line.startsWith('pcs cluster cib-push')) return '';
      const create = /^pcs -f "\$cib" resource create \S+ (\S+)/.exec(line);
      if (create) {
        const agent = create[1]!.replace(/^'|'$/g, '');
        if (!agentKnown.has(agent)) agentKnown.set(agent, spawnSync('crm_resource', ['--show-metadata', agent], { stdio: 'ignore' }).status === 0);
        if (!agentKnown.get(agent)) return `${line} --force`;
      }
      return line;
    })
    .join('\n');
}

/**
 * Every ring address of the first node becomes 127.0.0.1 (this host, which corosync must find
 * in the nodelist) and of the second 127.0.0.2; the key file points into the test directory.
 */
function withAddresses(conf: string, keyfile: string): string {
  let node = -1;
  return conf
    .split('\n')
    .map((line) => {
      if (/^\s+node \{$/.test(line)) node++;
      if (/^\s+ring\d+_addr: /.test(line)) return line.replace(/: .*/, `: 127.0.0.${node + 1}`);
      if (line === 'totem {') return `${line}\n    keyfile: ${keyfile}`;
      return line;
    })
    .join('\n');
}
