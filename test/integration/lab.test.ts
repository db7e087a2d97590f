// The two-node lab without a daemon: topology, every fault switch, the probe seeing a hand-moved
// floating IP, and teardown leaving nothing behind.
import { processAlive } from '../../src/daemon/pidfile.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Lab, labPaths, type NodeName } from '../../scripts/lab/lab.js';
import { LAB_NET } from '../../scripts/lab/addresses.js';
import { listNamespaces, rootSkipReason, type Netns } from '../../scripts/lab/netns.js';
import { run, sleep, uniquePrefix, waitFor } from '../../scripts/lab/process.js';

/** After a heal the client may first have to let a failed ARP entry expire: retry for a while. */
async function answersAgain(lab: Lab, address: string, node: string): Promise<void> {
  await waitFor(`${node} to answer at ${address} again`, async () => (await echo(lab, address)) === node, 15_000);
}

async function reaches(from: Netns, address: string): Promise<boolean> {
  const r = await from.exec(['ping', '-c', '1', '-W', '2', address], { allowFail: true });
  return r.code === 0;
}

/** Asks the echo service at address from the client; returns the name that answered or null. */
async function echo(lab: Lab, address: string): Promise<string | null> {
  const script = `const s=require('dgram').createSocket('udp4');s.on('message',m=>{console.log(String(m));process.exit(0)});` +
    `setTimeout(()=>process.exit(1),1500);s.send('probe 1',${LAB_NET.echoPort},'${address}');`;
  const r = await lab.ns.client.exec([process.execPath, '-e', script], { allowFail: true });
  return r.code === 0 ? (r.stdout.split(' ')[0] ?? null) : null;
}

test('lab topology: everyone on the bridge, configs written, echo services answer', { skip: rootSkipReason }, async (t) => {
  const lab = await Lab.create({ prefix: uniquePrefix('tb5'), ping: true, autoFailback: 'off' });
  t.after(() => lab.destroy());

  for (const [from, to] of [[lab.ns.alpha, LAB_NET.bravo], [lab.ns.bravo, LAB_NET.alpha], [lab.ns.client, LAB_NET.alpha], [lab.ns.client, LAB_NET.bravo], [lab.ns.alpha, LAB_NET.pingTarget]] as const) {
    assert.ok(await reaches(from, to), `${from.name} should reach ${to}`);
  }
  assert.equal(await echo(lab, LAB_NET.alpha), 'alpha');
  assert.equal(await echo(lab, LAB_NET.bravo), 'bravo');

  const alpha = lab.paths('alpha');
  const haCf = readFileSync(join(alpha.configDir, 'ha.cf'), 'utf8');
  assert.match(haCf, new RegExp(`^ucast eth0 ${LAB_NET.bravo.replace(/\./g, '\\.')}$`, 'm'));
  assert.match(haCf, new RegExp(`^serial ${alpha.tty}$`, 'm'));
  assert.match(haCf, /^auto_failback off$/m);
  assert.match(haCf, /^ping 10\.77\.0\.254$/m);
  assert.match(haCf, /^tb_control_socket \/tmp\/tb5-/m);
  assert.equal(statSync(join(alpha.configDir, 'authkeys')).mode & 0o777, 0o600);
  assert.equal(readFileSync(join(alpha.configDir, 'authkeys'), 'utf8'), readFileSync(join(lab.paths('bravo').configDir, 'authkeys'), 'utf8'));
  assert.match(readFileSync(join(alpha.configDir, 'haresources'), 'utf8'), /^alpha 10\.77\.0\.100\/24\/eth0$/m);
  assert.ok(existsSync(alpha.tty) && existsSync(lab.paths('bravo').tty));
});

test('lab faults: UDP cut, ping block, isolation, serial cut, power off/on — and healing', { skip: rootSkipReason }, async (t) => {
  const lab = await Lab.create({ prefix: uniquePrefix('tb5'), ping: true });
  t.after(() => lab.destroy());

  await lab.cutUdp();
  assert.equal(await reaches(lab.ns.alpha, LAB_NET.bravo), false, 'UDP cut: alpha must not reach bravo');
  assert.equal(await reaches(lab.ns.bravo, LAB_NET.alpha), false, 'UDP cut: bravo must not reach alpha');
  assert.equal(await echo(lab, LAB_NET.alpha), 'alpha', 'UDP cut leaves the client path alone');
  await lab.healUdp();
  assert.ok(await reaches(lab.ns.alpha, LAB_NET.bravo));

  await lab.blockPing('alpha');
  assert.equal(await reaches(lab.ns.alpha, LAB_NET.pingTarget), false);
  assert.ok(await reaches(lab.ns.bravo, LAB_NET.pingTarget));
  await lab.unblockPing('alpha');
  assert.ok(await reaches(lab.ns.alpha, LAB_NET.pingTarget));

  await lab.isolate('bravo');
  assert.equal(await echo(lab, LAB_NET.bravo), null, 'isolated bravo is unreachable');
  await lab.reconnect('bravo');
  await answersAgain(lab, LAB_NET.bravo, 'bravo');

  const ttyA = lab.paths('alpha').tty;
  await lab.cutSerial();
  assert.equal(existsSync(ttyA), false, 'serial cut: pty link gone');
  await lab.healSerial();
  assert.ok(existsSync(ttyA));

  await lab.addFloatingIp('alpha');
  await lab.powerOff('alpha');
  assert.equal(await echo(lab, LAB_NET.alpha), null, 'powered-off alpha does not answer');
  assert.equal(existsSync(ttyA), false, 'power off takes the serial cable with it');
  await lab.powerOn('alpha', { daemon: false });
  assert.deepEqual(await lab.holders(), [], 'the floating IP does not survive a reboot');
  await answersAgain(lab, LAB_NET.alpha, 'alpha');
  assert.ok(existsSync(ttyA));
});

test('probe sees the floating IP move from alpha to bravo and measures the gap', { skip: rootSkipReason }, async (t) => {
  const lab = await Lab.create({ prefix: uniquePrefix('tb5') });
  t.after(() => lab.destroy());

  const move = async (from: NodeName | null, to: NodeName): Promise<void> => {
    if (from) await lab.removeFloatingIp(from);
    await lab.addFloatingIp(to);
    assert.deepEqual(await lab.holders(), [to]);
  };
  await move(null, 'alpha');
  const probe = await lab.startProbe({ intervalMs: 10 });
  await sleep(1_000);
  await lab.removeFloatingIp('alpha');
  await sleep(300); // a deliberate outage
  await move(null, 'bravo');
  await sleep(1_000);
  const report = await probe.stop();

  assert.ok(report.sent > 50, `sent ${report.sent}`);
  assert.ok((report.answersByNode.alpha ?? 0) > 10, JSON.stringify(report.answersByNode));
  assert.ok((report.answersByNode.bravo ?? 0) > 10, JSON.stringify(report.answersByNode));
  assert.equal(report.switches.length, 1);
  assert.equal(report.switches[0]?.from, 'alpha');
  assert.equal(report.switches[0]?.to, 'bravo');
  assert.ok(report.longestGapMs >= 250, `gap ${report.longestGapMs} ms should cover the 300 ms outage`);
  assert.equal(report.longestGap?.before, 'alpha');
  assert.equal(report.longestGap?.after, 'bravo');
});

test('destroy removes every namespace and the lab directory', { skip: rootSkipReason }, async () => {
  const prefix = uniquePrefix('tb5');
  const lab = await Lab.create({ prefix, ping: true });
  assert.equal((await listNamespaces()).filter((n) => n.startsWith(`${prefix}-`)).length, 5);
  await lab.destroy();
  await lab.destroy();
  assert.deepEqual((await listNamespaces()).filter((n) => n.startsWith(`${prefix}-`)), []);
  assert.equal(existsSync(lab.dir), false);
});

test('lab CLI: up leaves a running lab behind, status describes it, down removes exactly it', { skip: rootSkipReason }, async (t) => {
  const prefix = uniquePrefix('tb5');
  const dir = `/tmp/${prefix}`;
  const env = { ...process.env, TB_LAB_DIR: dir, TB_LAB_PREFIX: prefix };
  const cli = (...args: string[]) => run([process.execPath, labPaths.labCli, ...args], { allowFail: true, timeoutMs: 60_000, env });
  t.after(async () => {
    await cli('down');
  });

  const upResult = await cli('up');
  assert.equal(upResult.code, 0, upResult.stderr);
  assert.equal((await listNamespaces()).filter((n) => n.startsWith(`${prefix}-`)).length, 4, 'namespaces outlive the up command');
  assert.equal((await cli('up')).code, 1, 'a second up is refused');

  const statusResult = await cli('status');
  assert.equal(statusResult.code, 0);
  assert.match(statusResult.stdout, /socat pid \d+: running/);
  assert.match(statusResult.stdout, /alpha: does not hold 10\.77\.0\.100/);

  const pingIn = (ns: string, address: string) => run(['ip', 'netns', 'exec', ns, 'ping', '-c', '1', '-W', '2', address], { allowFail: true });
  assert.equal((await cli('cut', 'udp')).code, 0);
  assert.notEqual((await pingIn(`${prefix}-a`, LAB_NET.bravo)).code, 0, 'cut udp: alpha must not reach bravo');
  assert.equal((await pingIn(`${prefix}-c`, LAB_NET.bravo)).code, 0, 'cut udp: the client still reaches bravo');
  assert.equal((await cli('heal', 'udp')).code, 0);
  assert.equal((await pingIn(`${prefix}-a`, LAB_NET.bravo)).code, 0);
  assert.equal((await cli('cut', 'link', 'alpha')).code, 0);
  assert.notEqual((await pingIn(`${prefix}-c`, LAB_NET.alpha)).code, 0, 'cut link: alpha unplugged');
  assert.equal((await cli('heal', 'link', 'alpha')).code, 0);
  // The client's failed ARP entry must expire before it asks again: allow a few seconds.
  await waitFor('client to reach alpha again', async () => (await pingIn(`${prefix}-c`, LAB_NET.alpha)).code === 0, 15_000);
  assert.equal((await cli('cut', 'serial')).code, 0);
  assert.equal(existsSync(`${dir}/ttyA`), false, 'cut serial: pty link gone');
  assert.match((await cli('status')).stdout, /socat pid \d+: gone/);
  assert.equal((await cli('heal', 'serial')).code, 0);
  assert.ok(existsSync(`${dir}/ttyA`) && existsSync(`${dir}/ttyB`));
  assert.match((await cli('status')).stdout, /socat pid \d+: running/);
  assert.equal((await cli('cut', 'link', 'nobody')).code, 2, 'unknown node is a usage error');

  const socatPid = Number(/socat pid (\d+)/.exec((await cli('status')).stdout)?.[1]);
  const downResult = await cli('down');
  assert.equal(downResult.code, 0, downResult.stderr);
  assert.deepEqual((await listNamespaces()).filter((n) => n.startsWith(`${prefix}-`)), []);
  assert.equal(existsSync(dir), false);
  assert.equal((await cli('status')).code, 3);
  // processAlive, not /proc/PID: where init does not reap, the killed socat lingers as a zombie.
  assert.equal(processAlive(socatPid), false, 'down stopped the re-started socat');
});
