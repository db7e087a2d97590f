// resources.d/IPaddr `gated-start` (the armed start, issue 13) against real interfaces, in two
// namespaces this test creates (and removes, also on failure): another host answering → in-use,
// nothing added, stdin never read; free + `go` → added and ARP sent (a's stale neighbour entry
// switches to b's MAC); free + end of input, a wrong line, an oversize line or no line in
// TB_GATE_MS → closed, nothing added; the daemon's runner SIGKILLed while armed → nothing added.
// IPv6addr (which sources IPaddr) keeps working through the same gate.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { rootSkipReason, type Netns } from '../../scripts/lab/netns.js';
import { commandOf, missingSkipReason } from '../../scripts/lab/requirements.js';
import { childExited, sleep, uniquePrefix, waitFor } from '../../scripts/lab/process.js';
import { createIpaddrPair, macOf, type IpaddrPair } from '../support/ipaddr-pair.js';
import { isRunning, waitGone } from '../support/scripts.js';

const skip = rootSkipReason || missingSkipReason(['arping', 'timeout', 'sysctl', 'ndisc6', commandOf('resource-agents')]);

const prefix = uniquePrefix('tbg');
const NET = '192.168.77';
const HELD = `${NET}.100`; // a holds it: the peer killed with -9 whose machine kept the address
const FREE = `${NET}.101`;
const NET6 = 'fd00:7b7:0:1';

let pair: IpaddrPair;

before(async () => {
  if (skip) return;
  pair = await createIpaddrPair(prefix, NET, (ns) => ns.exec(['sysctl', '-q', '-w', 'net.ipv6.conf.default.accept_dad=0']));
  await pair.a.exec(['ip', 'addr', 'add', `${HELD}/24`, 'dev', pair.devA]);
  await pair.a.exec(['ip', '-6', 'addr', 'add', `${NET6}::1/64`, 'dev', pair.devA, 'nodad']);
  await pair.b.exec(['ip', '-6', 'addr', 'add', `${NET6}::2/64`, 'dev', pair.devB, 'nodad']);
});

after(async () => {
  await pair?.destroy();
});

// A test that failed with the address added must not make the next one fail too.
afterEach(async () => {
  if (!skip) await pair.ipaddr(pair.b, `${FREE}/24/${pair.devB}`, 'stop');
});

interface Gated {
  /** Resolves with stdout once a `tb-gate:` verdict line came (or the script ended). */
  verdict: Promise<string>;
  write(text: string): void;
  end(): void;
  done: Promise<{ code: number | null; stdout: string; stderr: string; ms: number }>;
}

/** IPaddr ARG gated-start in b, stdin a pipe we hold. */
function gatedInB(arg: string, env: Record<string, string> = {}, script = 'IPaddr'): Gated {
  const vars = Object.entries({ TB_RUN_DIR: pair.runDir, TB_ARP_COUNT: '1', TB_DAD_MS: '100', ...env }).map(([k, v]) => `${k}=${v}`);
  const child = spawn('ip', ['netns', 'exec', pair.b.name, 'env', ...vars, pair.scripts.path(script), arg, 'gated-start'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let sawVerdict: (s: string) => void = () => undefined;
  const verdict = new Promise<string>((resolve) => (sawVerdict = resolve));
  child.stdin.on('error', () => undefined);
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
    if (/^tb-gate: /m.test(stdout)) sawVerdict(stdout);
  });
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const t0 = Date.now();
  const done = new Promise<{ code: number | null; stdout: string; stderr: string; ms: number }>((resolve) =>
    child.once('close', (code) => {
      sawVerdict(stdout);
      resolve({ code, stdout, stderr, ms: Date.now() - t0 });
    }),
  );
  return { verdict, write: (t) => child.stdin.write(t), end: () => child.stdin.end(), done };
}

async function addressesOfB(family: '4' | '6' = '4'): Promise<string[]> {
  const out = (await pair.b.exec(['ip', '-o', `-${family}`, 'addr', 'show', 'dev', pair.devB, 'scope', 'global'])).stdout;
  return out.split('\n').filter(Boolean).map((line) => line.split(/\s+/)[3]!);
}

const notAdded = async (ip: string) => assert.equal((await addressesOfB()).some((a) => a.startsWith(`${ip}/`)), false, `${ip} must not be on b`);

test('another host answers: verdict in-use, exit 1, nothing added, the gate never opens', { skip, timeout: 60_000 }, async () => {
  const g = gatedInB(`${HELD}/24/${pair?.devB}`);
  const r = await g.done; // ends without any input from us
  assert.match(r.stdout, /^tb-gate: in-use$/m);
  assert.doesNotMatch(r.stdout, /tb-gate: (free|go)/);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /in use by MAC/);
  await notAdded(HELD);
});

test('free + go: added at once, gratuitous ARP sent (a\'s stale entry now says b\'s MAC)', { skip, timeout: 60_000 }, async () => {
  await pair.a.exec(['ip', 'neigh', 'replace', FREE, 'lladdr', '02:00:00:00:00:01', 'dev', pair.devA, 'nud', 'stale']);
  const g = gatedInB(`${FREE}/24/${pair.devB}`, { TB_GATE_MS: '20000' });
  assert.match(await g.verdict, /^tb-gate: free$/m);
  await sleep(1100); // neighbour locktime (1 s): a newer update of the entry would be ignored
  await notAdded(FREE); // waiting adds nothing
  g.write('go\n');
  const r = await g.done;
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^tb-gate: go$/m);
  assert.ok((await addressesOfB()).includes(`${FREE}/24`));
  const macB = await macOf(pair.b, pair.devB);
  await waitFor('a learns b\'s MAC for the address', async () => (await pair.a.exec(['ip', 'neigh', 'show', FREE, 'dev', pair.devA])).stdout.includes(macB), 5000);
  assert.equal((await pair.ipaddr(pair.b, FREE, 'stop')).code, 0);
});

for (const [what, feed] of [
  ['end of input', (g: Gated) => g.end()],
  ['a line other than go', (g: Gated) => g.write('gogo\n')],
  ['go with a carriage return', (g: Gated) => g.write('go\r\n')],
  ['go without its newline, then end of input', (g: Gated) => (g.write('go'), g.end())],
  ['an oversize line ending in go', (g: Gated) => g.write(`${'x'.repeat(1 << 20)}\ngo\n`)],
  ['garbage bytes', (g: Gated) => g.write(Buffer.from([0, 0xff, 0x67, 0x6f, 0, 0x0a]).toString('latin1'))],
] as const) {
  test(`free + ${what}: the gate closes, nothing added, no ARP`, { skip, timeout: 60_000 }, async () => {
    const g = gatedInB(`${FREE}/24/${pair.devB}`);
    assert.match(await g.verdict, /^tb-gate: free$/m);
    feed(g);
    const r = await g.done;
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stdout, /^tb-gate: closed$/m);
    assert.doesNotMatch(r.stdout, /tb-gate: go/);
    assert.match(r.stderr, /ocf-exit-reason:IPaddr: gate closed/);
    await notAdded(FREE);
  });
}

test('free + no line within TB_GATE_MS: closed by the script itself', { skip, timeout: 60_000 }, async () => {
  const g = gatedInB(`${FREE}/24/${pair.devB}`, { TB_GATE_MS: '300' });
  assert.match(await g.verdict, /^tb-gate: free$/m);
  const r = await g.done; // we keep stdin open
  assert.equal(r.code, 1);
  assert.match(r.stderr, /gate closed \(no go within 300 ms\)/);
  assert.ok(r.ms >= 300 && r.ms < 10_000, `${r.ms} ms`);
  await notAdded(FREE);
  assert.equal((await pair.ipaddr(pair.b, FREE, 'gated-start', { TB_GATE_MS: '0' })).code, 2, 'TB_GATE_MS 0 is an argument error');
  assert.equal((await pair.ipaddr(pair.b, FREE, 'gated-start', { TB_GATE_MS: '1e9' })).code, 2, 'so is a non-number');
});

test('the daemon SIGKILLed while armed: the script reads end of input and adds nothing', { skip, timeout: 60_000 }, async () => {
  const childPath = join(import.meta.dirname, '..', 'support', 'armed-child.js');
  const child = pair.b.spawn([process.execPath, childPath, pair.scripts.path('IPaddr'), `${FREE}/24/${pair.devB}`, pair.runDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  await waitFor('the armed start says free', () => /^pid \d+$/m.test(out), 20_000);
  assert.match(out, /^verdict free$/m);
  const pid = Number(/^pid (\d+)$/m.exec(out)![1]);
  assert.ok(pid > 0 && isRunning(pid), 'the armed script waits');
  child.kill('SIGKILL');
  await childExited(child);
  assert.equal(await waitGone([pid], 10_000), true, 'it ended on end of input, long before its 60 s max wait');
  await sleep(300);
  await notAdded(FREE);
});

test('IPv6addr: gated-start works through IPaddr (free + go adds the address nodad; EOF adds nothing)', { skip, timeout: 60_000 }, async () => {
  const vip = `${NET6}::100`;
  const arg = `${vip}/64/${pair.devB}`;
  const closed = gatedInB(arg, {}, 'IPv6addr');
  assert.match(await closed.verdict, /^tb-gate: free$/m);
  closed.end();
  assert.equal((await closed.done).code, 1);
  assert.equal((await addressesOfB('6')).includes(`${vip}/64`), false);
  const g = gatedInB(arg, {}, 'IPv6addr');
  assert.match(await g.verdict, /^tb-gate: free$/m);
  g.write('go\n');
  const r = await g.done;
  assert.equal(r.code, 0, r.stderr);
  assert.ok((await addressesOfB('6')).includes(`${vip}/64`));
  const held = gatedInB(`${NET6}::1/64/${pair.devB}`, {}, 'IPv6addr');
  const h = await held.done;
  assert.match(h.stdout, /^tb-gate: in-use$/m, 'a holds ::1: in use');
  assert.equal(h.code, 1);
  assert.equal((await pair.ipaddr(pair.b, arg, 'stop', {}, 'IPv6addr')).code, 0);
});
