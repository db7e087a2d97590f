// The lab's building blocks: namespaces, veth, socat pty pairs, and that destroy leaves nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { closeSync, constants, existsSync, openSync, readSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Netns, listNamespaces, rootSkipReason, socatPtyPair, vethPair } from '../../scripts/lab/netns.js';
import { run, uniquePrefix, waitFor } from '../../scripts/lab/process.js';

test('two namespaces joined by veth can ping each other; destroy removes both', { skip: rootSkipReason }, async (t) => {
  const prefix = uniquePrefix('tb5');
  const a = await Netns.create(`${prefix}-a`);
  t.after(() => a.destroy());
  const b = await Netns.create(`${prefix}-b`);
  t.after(() => b.destroy());

  await vethPair({ ns: a, ifname: `${prefix}-va`, cidr: '10.77.250.1/24' }, { ns: b, ifname: `${prefix}-vb`, cidr: '10.77.250.2/24' });
  const ping = await a.exec(['ping', '-c', '1', '-W', '5', '10.77.250.2'], { allowFail: true });
  assert.equal(ping.code, 0, `ping failed: ${ping.stdout}${ping.stderr}`);

  const sleeper = b.spawn(['sleep', '300']);
  assert.ok(sleeper.pid);
  assert.deepEqual(
    (await listNamespaces()).filter((n) => n.startsWith(prefix)).sort(),
    [`${prefix}-a`, `${prefix}-b`],
  );

  await a.destroy();
  await b.destroy();
  await a.destroy(); // idempotent
  assert.deepEqual((await listNamespaces()).filter((n) => n.startsWith(prefix)), []);
  assert.ok(sleeper.exitCode !== null || sleeper.signalCode !== null, 'spawned child was killed');
});

test('socat pty pair passes bytes both ways, vanishes on stop and comes back on restart', { skip: rootSkipReason }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'tb5-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const pair = await socatPtyPair(join(dir, 'ttyA'), join(dir, 'ttyB'));
  t.after(() => pair.stop());

  // Non-blocking pty reads: an empty pty throws EAGAIN instead of hanging the test.
  const ptyFlags = constants.O_RDWR | constants.O_NONBLOCK | constants.O_NOCTTY;
  const exchange = async (from: string, to: string, text: string): Promise<string> => {
    const reader = openSync(to, ptyFlags);
    const writer = openSync(from, ptyFlags);
    try {
      writeSync(writer, text);
      const buf = Buffer.alloc(256);
      let got = '';
      await waitFor(`bytes at ${to}`, () => {
        try {
          got += buf.subarray(0, readSync(reader, buf, 0, buf.length, null)).toString('utf8');
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
        }
        return got.includes(text);
      }, 5_000);
      return got;
    } finally {
      closeSync(reader);
      closeSync(writer);
    }
  };

  assert.match(await exchange(pair.pathA, pair.pathB, 'hello-b\n'), /hello-b/);
  assert.match(await exchange(pair.pathB, pair.pathA, 'hello-a\n'), /hello-a/);

  const firstPid = pair.pid;
  await pair.stop();
  assert.equal(existsSync(pair.pathA), false);
  assert.equal(existsSync(pair.pathB), false);
  assert.equal(pair.running, false);

  await pair.restart();
  assert.notEqual(pair.pid, firstPid);
  assert.match(await exchange(pair.pathA, pair.pathB, 'again\n'), /again/);
});

test('a process that exits or is interrupted without destroy() still removes its namespaces', { skip: rootSkipReason }, async () => {
  const netnsModule = new URL('../../scripts/lab/netns.js', import.meta.url).href;
  for (const ending of ['process.exit(0)', "process.kill(process.pid, 'SIGINT')"]) {
    const name = `${uniquePrefix('tb5')}-x`;
    const script = `import { Netns } from '${netnsModule}'; await Netns.create('${name}'); console.log('created'); ${ending};`;
    const result = await run([process.execPath, '--input-type=module', '-e', script], { allowFail: true });
    assert.match(result.stdout, /created/, `child did not create ${name}: ${result.stderr}`);
    assert.ok(!(await listNamespaces()).includes(name), `${name} left behind after ${ending}`);
  }
});
