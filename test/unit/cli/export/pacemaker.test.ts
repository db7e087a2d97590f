// The pure Pacemaker translator: which element each part of a twinbeat configuration becomes
// (corosync.conf, CIB, pcs script), and what it does with names and values that would break or
// change those files (XML specials, shell metacharacters, spaces, comment terminators).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { exportPacemaker, ExportRefused } from '../../../../src/cli/export/pacemaker.js';
import { IdAllocator, stayPutStickiness } from '../../../../src/cli/export/plan.js';
import { shellWord } from '../../../../src/cli/export/pcs.js';
import type { Config } from '../../../../src/config/types.js';
import { attributeValues, loadFixture, loadText } from './support.js';

const full = await loadFixture('valid', 'twinbeat-full');
const v1 = await loadFixture('valid', 'heartbeat-v1');
const minimal = await loadFixture('valid', 'minimal');
const onAlpha = { eth1: ['192.168.50.1'], eth2: ['10.9.9.1', '10.9.9.5'] };

function exported(config: Config, localAddresses: Record<string, string[]> | null = null, clusterName = 'twinbeat') {
  return exportPacemaker({ config, clusterName, localAddresses });
}

/** The lines of one `name {` … `}` block of a node in corosync.conf. */
function nodeBlock(conf: string, node: string): string {
  const at = conf.indexOf(`name: ${node}\n`);
  assert.ok(at > 0, `node ${node} in nodelist`);
  return conf.slice(at, conf.indexOf('    }', at));
}

test('corosync.conf: knet, crypto, two_node, the two nodes, and the UDP media as links', () => {
  const conf = exported(full, onAlpha).corosyncConf;
  for (const line of ['transport: knet', 'crypto_cipher: aes256', 'crypto_hash: sha256', 'two_node: 1', 'provider: corosync_votequorum', 'cluster_name: twinbeat']) {
    assert.ok(conf.includes(`    ${line}\n`), line);
  }
  assert.match(conf, /linknumber: 0\n\s+# eth1, from ucast eth1 192\.168\.50\.1 \(ha\.cf:4\); ucast eth1 192\.168\.50\.2 \(ha\.cf:5\)/);
  assert.match(conf, /linknumber: 1\n\s+# eth2, from mcast eth2 239\.0\.0\.42 7000/);
  assert.equal((conf.match(/linknumber:/g) ?? []).length, 2, 'one link per interface, not per line');
  // ucast: the address this host has is alpha's, the other beta's; eth2 (mcast) only alpha's.
  assert.match(nodeBlock(conf, 'alpha'), /nodeid: 1\n\s+ring0_addr: 192\.168\.50\.1\n\s+ring1_addr: 10\.9\.9\.1\n/);
  assert.match(nodeBlock(conf, 'beta'), /nodeid: 2\n\s+ring0_addr: 192\.168\.50\.2\n\s+# FILL IN: beta's IPv4 address on eth2 \(link 1\)\n\s+ring1_addr: FILL_IN_beta_eth2_address\n/);
  assert.match(conf, /# NOT CARRIED OVER: serial \/dev\/ttyS1 \(ha\.cf:3\): corosync has no serial medium/);
  assert.match(conf, /multicast group 239\.0\.0\.42:7000 not carried over/);
  assert.match(conf, /# twinbeat declared the peer dead after deadtime 5s/);
  assert.match(conf, /\n    token: 3000\n/, 'deadtime 5s / 2.2 is below corosync\'s default: the default stays');
});

test('corosync.conf: comments only on lines of their own (corosync reads an inline # as part of the value)', () => {
  for (const config of [full, v1, minimal]) {
    for (const line of exported(config, onAlpha).corosyncConf.split('\n')) {
      if (line.includes('#')) assert.match(line, /^\s*#/, line);
    }
  }
});

test('corosync.conf: without this host\'s interfaces, two ucast addresses cannot be told apart', () => {
  const conf = exported(full, null).corosyncConf;
  assert.match(nodeBlock(conf, 'alpha'), /ring0_addr: FILL_IN_alpha_eth1_address/);
  assert.match(nodeBlock(conf, 'beta'), /ring0_addr: FILL_IN_beta_eth1_address/);
  assert.match(conf, /ucast names 192\.168\.50\.1 and 192\.168\.50\.2: one is each node's/);
});

test('corosync.conf: a single ucast line names the peer; deadtime sets the token above the default', async () => {
  const config = await loadText({ haCf: 'node alpha beta\nucast eth0 10.0.0.2\ndeadtime 30\n', haresources: '' });
  const conf = exported(config, null).corosyncConf;
  assert.match(nodeBlock(conf, 'beta'), /ring0_addr: 10\.0\.0\.2\n/);
  assert.match(nodeBlock(conf, 'alpha'), /ring0_addr: FILL_IN_alpha_eth0_address/);
  assert.match(conf, /\n    token: 13636\n/, '30 s = token + 1.2 token');
  assert.match(conf, /\n    to_syslog: no\n/, 'no logfacility, no syslog');
});

test('no output carries the authkeys secret', async () => {
  const config = await loadText({ haCf: 'node alpha beta\nbcast eth0\n', haresources: 'alpha 10.0.0.1\n' });
  const e = exported(config);
  for (const text of [e.corosyncConf, e.cib, e.pcsScript, ...e.warnings]) assert.ok(!text.includes('do-not-leak-this-secret'));
  for (const text of [exported(full).corosyncConf, exported(full).cib]) assert.ok(!text.includes('0123456789abcdef') && !text.includes('old#key'));
});

test('CIB: groups in haresources order with the right agents, parameters, timeouts and monitors', () => {
  const cib = exported(full).cib;
  const groups = [...cib.matchAll(/<group id="([^"]+)">([\s\S]*?)<\/group>/g)].map((m) => ({ id: m[1]!, body: m[2]! }));
  assert.deepEqual(groups.map((g) => g.id), ['group-ip-192.168.60.10', 'group-ip-192.168.60.11']);
  const primitives = (body: string) => [...body.matchAll(/<primitive id="([^"]+)" class="([^"]+)"(?: provider="([^"]+)")? type="([^"]+)"/g)].map((m) => [m[1], m[2], m[3], m[4]]);
  assert.deepEqual(primitives(groups[0]!.body), [
    ['ip-192.168.60.10', 'ocf', 'heartbeat', 'IPaddr2'],
    ['myagent_ip_1.2.3.4', 'ocf', 'heartbeat', 'myagent'],
    ['websvc', 'lsb', undefined, 'websvc'],
  ]);
  assert.deepEqual(primitives(groups[1]!.body), [
    ['ip-192.168.60.11', 'ocf', 'heartbeat', 'IPaddr2'],
    ['dbsvc', 'lsb', undefined, 'dbsvc'],
  ]);
  const ip = groups[0]!.body;
  for (const [name, value] of <[string, string][]>[['ip', '192.168.60.10'], ['cidr_netmask', '24'], ['nic', 'eth1'], ['arp_count', '3'], ['arp_interval', '500']]) {
    assert.match(ip, new RegExp(`name="${name}" value="${value.replace(/\./g, '\\.')}"`), name);
  }
  assert.ok(!ip.includes('run_arping'), 'tb_dad_timeout 0: no duplicate-address check');
  assert.match(ip, /<op id="[^"]+" name="monitor" interval="2s" timeout="1500ms"\/>/);
  assert.match(ip, /name="migration-threshold" value="1"/, 'restarts=0: the first failure moves it');
  assert.match(ip, /name="start" interval="0s" timeout="90s"/);
  assert.match(ip, /name="stop" interval="0s" timeout="120s"/);
  assert.match(groups[0]!.body, /name="ip" value="1\.2\.3\.4"/, 'OCF name=value argument → parameter');
  assert.ok(!groups[1]!.body.includes('name="monitor"'), 'no tb_monitor, no monitor (as in twinbeat)');
  assert.match(cib, /<rsc_location id="[^"]+" rsc="group-ip-192\.168\.60\.10" node="alpha" score="100"\/>/);
  assert.match(cib, /<rsc_location id="[^"]+" rsc="group-ip-192\.168\.60\.11" node="beta" score="100"\/>/);
});

test('CIB: fencing stays on with a placeholder device that is named as one', () => {
  const e = exported(full);
  assert.match(e.cib, /name="stonith-enabled" value="true"/);
  assert.match(e.cib, /<primitive id="fence-CONFIGURE-ME" class="stonith" type="fence_CONFIGURE_ME"\/>/);
  assert.match(e.cib, /FENCING PLACEHOLDER, REPLACE BEFORE PRODUCTION/);
  assert.match(e.cib, /fence hook \/bin\/true/, 'the tb_hook fence is named');
  assert.match(e.warnings[0]!, /^fencing is a placeholder: .* will NOT recover/);
  assert.match(e.pcsScript, /\npcs -f "\$cib" stonith create fence-CONFIGURE-ME fence_CONFIGURE_ME --force\n/);
  assert.match(e.pcsScript, /\npcs -f "\$cib" property set stonith-enabled=true\n/);
});

test('auto_failback: on and legacy → stickiness 0; off → a finite value above the preference', () => {
  const stickiness = (c: Config) => /name="resource-stickiness" value="(\d+)"/.exec(exported(c).cib)![1];
  assert.equal(full.autoFailback, 'on');
  assert.equal(stickiness(full), '0');
  assert.equal(stickiness(v1), '0', 'legacy fails back like on');
  assert.equal(minimal.autoFailback, 'off');
  assert.equal(stickiness(minimal), String(stayPutStickiness));
  assert.ok(stayPutStickiness > 100 && Number.isFinite(stayPutStickiness));
  assert.match(exported(minimal).pcsScript, /resource defaults update resource-stickiness=1000\n/);
});

test('ping nodes → ocf:pacemaker:ping clone and a -INFINITY rule on pingd for every group', async () => {
  const cib = exported(v1).cib;
  assert.match(cib, /<clone id="ping-clone">\s*<primitive id="ping" class="ocf" provider="pacemaker" type="ping">/);
  assert.match(cib, /name="host_list" value="10\.0\.0\.254"/);
  assert.match(cib, /<rsc_location id="[^"]+" rsc="group-ip-10\.0\.0\.100">\s*<rule id="[^"]+" score="-INFINITY" boolean-op="or">\s*<expression id="[^"]+" attribute="pingd" operation="not_defined"\/>\s*<expression id="[^"]+" attribute="pingd" operation="lte" value="0" type="number"\/>/);
  assert.ok(!exported(full).cib.includes('ocf:pacemaker:ping') && !exported(full).cib.includes('type="ping"'), 'no ping nodes, no ping clone');
  const groups = await loadText({ haCf: 'node alpha beta\nbcast eth0\nping 10.0.0.1\nping_group gw 10.0.0.2 10.0.0.3\n', haresources: 'alpha 10.0.0.10\nbeta 10.0.0.11\n' });
  const e = exported(groups);
  assert.match(e.cib, /name="host_list" value="10\.0\.0\.1 10\.0\.0\.2 10\.0\.0\.3"/);
  assert.equal((e.cib.match(/attribute="pingd" operation="not_defined"/g) ?? []).length, 2);
  assert.match(e.pcsScript, /resource create ping ocf:pacemaker:ping 'host_list=10\.0\.0\.1 10\.0\.0\.2 10\.0\.0\.3' .* clone\n/);
  assert.match(e.pcsScript, /constraint location group-ip-10\.0\.0\.11 rule constraint-id=location-group-ip-10\.0\.0\.11-connected score=-INFINITY not_defined pingd or pingd lte 0\n/);
});

test('IP forms: IPaddr and IPaddr2 with netmask, interface label and broadcast; a DAD probe when twinbeat had one', async () => {
  const config = await loadText({
    haCf: 'node alpha beta\nbcast eth0\n',
    haresources: 'alpha 10.0.0.10 IPaddr2::10.0.0.11/255.255.255.0/eth0:1/10.0.0.255\n',
  });
  const cib = exported(config).cib;
  assert.match(cib, /<primitive id="ip-10\.0\.0\.10" class="ocf" provider="heartbeat" type="IPaddr2">/);
  const second = cib.slice(cib.indexOf('<primitive id="ip-10.0.0.11"'));
  for (const [name, value] of <[string, string][]>[['ip', '10.0.0.11'], ['cidr_netmask', '255.255.255.0'], ['nic', 'eth0'], ['iflabel', '1'], ['broadcast', '10.0.0.255'], ['run_arping', 'true']]) {
    assert.match(second, new RegExp(`name="${name}" value="${value}"`), name);
  }
});

test('script classes: Heartbeat wrappers → their OCF agent, lsb → lsb, unknown heartbeat scripts → lsb with a note', async () => {
  const config = await loadText({
    haCf: 'node alpha beta\nbcast eth0\n',
    haresources: 'alpha Filesystem::/dev/drbd0::/data::ext4 Dummy::web apache2::extra custom::a1 myagent::ip=1.2.3.4::bare\n',
    scripts: { Filesystem: 'heartbeat', Dummy: 'heartbeat', apache2: 'lsb', custom: 'heartbeat', myagent: 'ocf' },
  });
  const e = exported(config);
  assert.match(e.cib, /<primitive id="Filesystem_dev_drbd0_data_ext4" class="ocf" provider="heartbeat" type="Filesystem">/);
  assert.match(e.cib, /name="device" value="\/dev\/drbd0"\/>\s*<nvpair [^>]*name="directory" value="\/data"\/>\s*<nvpair [^>]*name="fstype" value="ext4"\/>/);
  assert.match(e.cib, /<primitive id="Dummy_web" class="ocf" provider="heartbeat" type="Dummy">/);
  assert.match(e.cib, /<primitive id="apache2_extra" class="lsb" type="apache2">/);
  assert.match(e.cib, /<primitive id="custom_a1" class="lsb" type="custom">/);
  assert.match(e.cib, /name="ip" value="1\.2\.3\.4"\/>\s*<nvpair [^>]*name="arg2" value="bare"\/>/, 'bare OCF arguments → argN, as twinbeat passes them');
  const notes = e.warnings.join('\n');
  assert.match(notes, /Dummy_web: argument "web" has no ocf:heartbeat:Dummy parameter/);
  assert.match(notes, /apache2_extra: LSB scripts take no arguments: extra not carried over/);
  assert.match(notes, /custom_a1: heartbeat-class script .*custom runs as lsb:custom: install it as \/etc\/init\.d\/custom .* its arguments \(a1\) are not passed/);
  assert.match(notes, /myagent_ip_1\.2\.3\.4_bare: install .*myagent as \/usr\/lib\/ocf\/resource\.d\/heartbeat\/myagent/);
});

test('prefixed names keep their class: ocf:PROVIDER:TYPE with its parameters, ocf::TYPE as heartbeat, systemd:UNIT as systemd', () => {
  const resources = [
    { id: 'ocf:acme:Web::port=8080', script: 'ocf:acme:Web', args: ['port=8080'], path: '/usr/lib/ocf/resource.d/acme/Web', class: 'ocf' as const },
    { id: 'ocf::Dummy::fake=x', script: 'ocf:heartbeat:Dummy', args: ['fake=x'], path: '/usr/lib/ocf/resource.d/heartbeat/Dummy', class: 'ocf' as const },
    { id: 'systemd:getty@tty1', script: 'systemd:getty@tty1.service', args: [], path: '/usr/bin/systemctl', class: 'systemd' as const },
  ];
  const config: Config = { ...minimal, groups: [{ owner: 'alpha', key: resources[0]!.id, resources, origin: 'default' }] };
  const e = exported(config);
  assert.match(e.cib, /<primitive id="Web_port_8080" class="ocf" provider="acme" type="Web">\s*<!-- from ocf:acme:Web::port=8080 -->\s*<instance_attributes [^>]*>\s*<nvpair [^>]*name="port" value="8080"\/>/);
  assert.match(e.cib, /<primitive id="Dummy_fake_x" class="ocf" provider="heartbeat" type="Dummy">/);
  assert.match(e.cib, /<primitive id="getty_tty1.service" class="systemd" type="getty@tty1.service">/);
  assert.match(e.pcsScript, /resource create getty_tty1.service systemd:getty@tty1.service /);
  assert.match(e.pcsScript, /resource create Web_port_8080 ocf:acme:Web port=8080 /);
  assert.doesNotMatch(e.warnings.join('\n'), /Web_port_8080: install/, 'an agent under /usr/lib/ocf needs no install note');
});

test('hostile: XML specials in values are escaped, comment terminators defused, IDs stay unique and valid', async () => {
  const config = await loadText({
    haCf: 'node alpha beta\nbcast eth0\nping 10.0.0.1\n',
    haresources: `alpha myagent::name=<x>&"y'-->z ping 9lives::--a\n`,
    scripts: { myagent: 'ocf', ping: 'lsb', '9lives': 'heartbeat' },
  });
  const cib = exported(config).cib;
  assert.match(cib, /name="name" value="&lt;x&gt;&amp;&quot;y&apos;--&gt;z"/);
  for (const m of cib.matchAll(/<!--([\s\S]*?)-->/g)) assert.ok(!m[1]!.includes('--') && !m[1]!.endsWith('-'), `comment ${m[1]}`);
  // Outside comments only elements remain, all of them CIB elements: a value never became markup.
  const bare = cib.replace(/<!--[\s\S]*?-->/g, '').replace(/<\?xml[^>]*\?>/, '');
  const known = new Set(['cib', 'configuration', 'crm_config', 'cluster_property_set', 'nvpair', 'nodes', 'resources', 'primitive', 'group', 'clone', 'instance_attributes', 'meta_attributes', 'operations', 'op', 'constraints', 'rsc_location', 'rule', 'expression', 'rsc_defaults', 'status']);
  assert.ok(!bare.includes('<x>'), 'no raw markup from a value outside comments');
  for (const m of bare.matchAll(/<\/?([^\s/>]+)/g)) assert.ok(known.has(m[1]!), m[1]);
  assert.equal(bare.split('<').length - 1, bare.split('>').length - 1, 'every < closes');
  const ids = attributeValues(bare, 'id');
  assert.equal(new Set(ids).size, ids.length, 'IDs are unique');
  for (const id of ids) assert.match(id, /^[A-Za-z_][A-Za-z0-9_.-]*$/, id);
});

test('hostile: pcs words reach pcs exactly as written, without the shell expanding anything', async () => {
  const config = await loadText({
    haCf: 'node alpha beta\nbcast eth0\n',
    haresources: `alpha myagent::cmd=$(touch_/tmp/pwned)'x'\`id\`;rm_-rf*\n`,
    scripts: { myagent: 'ocf' },
  });
  const script = exported(config).pcsScript;
  const line = script.split('\n').find((l) => l.includes('resource create myagent'))!;
  const words = execFileSync('sh', ['-c', line.replace(/^pcs -f "\$cib"/, `printf '%s\\n'`)], { encoding: 'utf8', cwd: '/' }).split('\n');
  assert.ok(words.includes("cmd=$(touch_/tmp/pwned)'x'`id`;rm_-rf*"), words.join('|'));
  assert.equal(shellWord("a'b"), `'a'\\''b'`);
  assert.equal(shellWord('plain-1.2:3/4=5'), 'plain-1.2:3/4=5');
});

test('hostile: names that cannot be carried into corosync.conf or the CIB are refused, not mangled', () => {
  const withNodes = (nodes: [string, string]): Config => ({ ...full, nodes, self: nodes[0], peer: nodes[1] });
  assert.throws(() => exported(withNodes(['al pha', 'beta'])), ExportRefused);
  assert.throws(() => exported(withNodes(['alpha', 'beta}\nquorum {'])), /node name .* cannot be a corosync\/Pacemaker node name/);
  assert.throws(() => exported(full, null, 'two words'), /cluster name/);
  assert.throws(() => exported(full, null, 'x'.repeat(33)), ExportRefused);
  const badScript: Config = { ...full, groups: [{ ...full.groups[0]!, resources: [{ ...full.groups[0]!.resources[1]!, script: 'my "agent"' }] }] };
  assert.throws(() => exported(badScript), /script name .* cannot be an agent type/);
});

test('hostile: a resource ID with spaces and newlines still makes one-line, safe comments everywhere', () => {
  const g = full.groups[1]!;
  const spaced: Config = { ...full, groups: [{ ...g, key: 'db svc', resources: [{ ...g.resources[1]!, id: 'db svc\n-->\n# }', args: ['x y'] }] }] };
  const e = exported(spaced);
  for (const m of e.cib.matchAll(/<!--([\s\S]*?)-->/g)) assert.ok(!m[1]!.includes('--'));
  for (const line of e.pcsScript.split('\n')) assert.ok(line === '' || /^(#|pcs |set |cib=|trap )/.test(line), line);
});

test('ID allocation: schema-valid, unique, readable', () => {
  const ids = new IdAllocator();
  assert.equal(ids.take('IPaddr::10.0.0.1/24'), 'IPaddr_10.0.0.1_24');
  assert.equal(ids.take('9lives'), 'r_9lives');
  assert.equal(ids.take('a b'), 'a_b');
  assert.equal(ids.take('a_b'), 'a_b-2');
  assert.equal(ids.take('--'), 'r_');
});

test('warnings list every FILL IN and everything not carried over', () => {
  const w = exported(full, onAlpha).warnings.join('\n');
  assert.match(w, /corosync\.conf: fill in beta's address on link 1 \(eth2\)/);
  assert.match(w, /not carried over: serial \/dev\/ttyS1/);
  assert.match(w, /tb_monitor failures=2: Pacemaker acts on the first failed monitor/);
  assert.match(w, /not carried over: tb_hook escalate \/bin\/true: Pacemaker runs no hooks/);
  assert.match(exported(full).cib, /<!--\s+NOT CARRIED OVER: tb_hook escalate \/bin\/true: /);
  assert.match(exported(full).pcsScript, /\n# NOT CARRIED OVER: tb_hook escalate \/bin\/true: /);
  assert.ok(!w.includes('tb_hook fence'), 'the fence hook is named with the fencing placeholder instead');
});
