// A serial link whose port dies in an awkward order still comes back by itself: serialport's
// binding is replaced by a fake whose opens and ports do exactly what each case needs (an open
// that never finishes, a close that never completes, an open that keeps failing). Each case
// left the link down for good before the re-open got its timeout and the recovery check.
// No devices, no I/O: timers and the fake only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BindingInterface, BindingPortInterface, OpenOptions } from '@serialport/bindings-cpp';
import { SerialLink } from '../../../src/transport/serial.js';
import type { LinkEvent } from '../../../src/transport/link.js';

import { untilTrue as until } from '../../support/until.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A port that reads nothing until told to fail; its close completes or hangs as asked. */
class FakePort implements BindingPortInterface {
  isOpen = true;
  closeCalls = 0;
  private failRead: ((err: Error) => void) | null = null;
  constructor(
    readonly openOptions: Required<OpenOptions>,
    private readonly closeHangs = false,
  ) {}
  read(): Promise<{ buffer: Buffer; bytesRead: number }> {
    return new Promise((_, reject) => (this.failRead = reject));
  }
  get reading(): boolean {
    return this.failRead !== null;
  }
  /** The line died under a pending read (what the poller reports as "bad file descriptor"). */
  die(): void {
    this.failRead?.(Object.assign(new Error('bad file descriptor'), { disconnect: true }));
  }
  async write(): Promise<void> {}
  close(): Promise<void> {
    this.closeCalls++;
    this.isOpen = false;
    this.failRead?.(Object.assign(new Error('Port is not open'), { canceled: true }));
    return this.closeHangs ? new Promise<void>(() => undefined) : Promise.resolve();
  }
  async update(): Promise<void> {}
  async set(): Promise<void> {}
  async get() {
    return { cts: false, dsr: false, dcd: false };
  }
  async getBaudRate() {
    return { baudRate: this.openOptions.baudRate };
  }
  async flush(): Promise<void> {}
  async drain(): Promise<void> {}
}

type OpenStep = 'missing' | 'hang' | 'open' | 'open-close-hangs';

/** Each open() takes the next step (the last one repeats) and records the ports it made. */
function fakeBinding(steps: OpenStep[]): BindingInterface & { ports: FakePort[]; opens: number; release: (() => void)[] } {
  const ports: FakePort[] = [];
  const release: (() => void)[] = [];
  const binding = {
    ports,
    release,
    opens: 0,
    list: async () => [],
    open(options: OpenOptions): Promise<BindingPortInterface> {
      const step = steps[Math.min(binding.opens++, steps.length - 1)]!;
      const make = () => {
        const port = new FakePort(options as Required<OpenOptions>, step === 'open-close-hangs');
        ports.push(port);
        return port;
      };
      if (step === 'missing') return Promise.reject(Object.assign(new Error('Error: No such file or directory, cannot open'), { code: 'ENOENT' }));
      // An open stuck in the thread pool: it finishes only when the test releases it.
      if (step === 'hang') return new Promise((resolve) => release.push(() => resolve(make())));
      return Promise.resolve(make());
    },
  };
  return binding;
}

function linkOn(binding: BindingInterface, extra: { now?: () => number } = {}) {
  const warnings: string[] = [];
  const infos: string[] = [];
  const link = new SerialLink(
    { device: '/dev/ttyFAKE', baud: 19200, binding, reopenMinMs: 5, reopenMaxMs: 20, openTimeoutMs: 100, recoveryCheckMs: 30 },
    { now: extra.now ?? (() => performance.now()), log: { info: (e, m) => infos.push(`${e} ${m}`), warn: (e, m) => warnings.push(`${e} ${m}`) } },
  );
  const medium: Extract<LinkEvent, { kind: 'medium' }>[] = [];
  link.onEvent((e) => e.kind === 'medium' && medium.push(e));
  return { link, medium, warnings, infos };
}

test('serial recovery: a re-open that never finishes is given up on, the next one opens, the late port is closed', { timeout: 10_000 }, async () => {
  const binding = fakeBinding(['missing', 'hang', 'open']);
  const { link, medium } = linkOn(binding);
  try {
    await link.open();
    assert.deepEqual(medium.map((m) => m.up), [false]);
    await until('medium up after the stuck attempt', () => medium.length === 2);
    assert.equal(medium[1]!.up, true);
    assert.equal(binding.opens, 3, 'missing, stuck, then a fresh attempt that opened');
    // The stuck open finishes at last: that port must not be used (nor stay open and locked).
    binding.release.forEach((r) => r());
    await until('the late port closed', () => binding.ports.length === 2 && binding.ports[1]!.closeCalls === 1);
    assert.equal(binding.ports[0]!.closeCalls, 0, 'the port in use stays open');
  } finally {
    await link.close();
  }
});

test('serial recovery: a first open that never finishes does not hold up open(); the link comes up by re-opening', { timeout: 10_000 }, async () => {
  const binding = fakeBinding(['hang', 'open']);
  const { link, medium } = linkOn(binding);
  try {
    await link.open(); // resolves after the 100 ms attempt timeout, not never
    assert.equal(medium.length, 1);
    assert.equal(medium[0]!.up, false);
    assert.match(medium[0]!.reason, /cannot open \/dev\/ttyFAKE: the open attempt did not finish within 100 ms/);
    await until('medium up', () => medium.length === 2);
    binding.release.forEach((r) => r());
    await until('the late first port closed', () => binding.ports.length === 2 && binding.ports[1]!.closeCalls === 1);
    assert.equal(binding.ports[0]!.closeCalls, 0);
  } finally {
    await link.close();
  }
});

test('serial recovery: a port that dies and whose close never completes (no close event) is lost and re-opened', { timeout: 10_000 }, async () => {
  const binding = fakeBinding(['open-close-hangs', 'open']);
  const { link, medium } = linkOn(binding);
  try {
    await link.open();
    assert.equal(medium.length, 0, 'opened at once: no medium event');
    await until('a pending read', () => binding.ports[0]!.reading);
    binding.ports[0]!.die(); // serialport closes the port; the close never completes, so no 'close'
    await until('medium down', () => medium.length === 1);
    assert.equal(medium[0]!.up, false);
    assert.match(medium[0]!.reason, /without a close event/);
    await until('medium up again', () => medium.length === 2);
    assert.equal(medium[1]!.up, true);
    assert.equal(binding.ports.length, 2);
    link.send('after the outage');
    assert.ok(binding.ports[1]!.isOpen);
  } finally {
    await link.close();
  }
});

test('serial recovery: a port lost the ordinary way (close event) is re-opened and reported once each way', { timeout: 10_000 }, async () => {
  const binding = fakeBinding(['open', 'missing', 'missing', 'open']);
  const { link, medium, warnings, infos } = linkOn(binding);
  try {
    await link.open();
    await until('a pending read', () => binding.ports[0]!.reading);
    binding.ports[0]!.die();
    await until('medium back', () => medium.length === 2);
    assert.deepEqual(medium.map((m) => m.up), [false, true]);
    assert.match(medium[0]!.reason, /bad file descriptor/);
    assert.match(medium[1]!.reason, /re-opened after 3 attempts/);
    assert.equal(warnings.length, 1, warnings.join(' | '));
    assert.equal(infos.length, 1, infos.join(' | '));
  } finally {
    await link.close();
  }
});

test('serial recovery: while re-opening fails, why is logged at most once per 10 s', { timeout: 10_000 }, async () => {
  let now = 0;
  const binding = fakeBinding(['missing']);
  const { link, warnings } = linkOn(binding, { now: () => now });
  try {
    await link.open();
    await until('many failed attempts', () => binding.opens > 10);
    assert.deepEqual(warnings.map((w) => w.split(' ')[0]), ['link-medium-down'], 'failed attempts within 10 s are quiet');
    now += 10_000;
    const opens = binding.opens;
    await until('more attempts', () => binding.opens > opens + 5);
    const failing = warnings.filter((w) => w.startsWith('link-reopen-failing'));
    assert.equal(failing.length, 1, warnings.join(' | '));
    assert.match(failing[0]!, /still cannot re-open \/dev\/ttyFAKE after \d+ attempts: .*No such file or directory/);
  } finally {
    await link.close();
  }
  const count = binding.opens;
  await sleep(80);
  assert.equal(binding.opens, count, 'no attempts after close');
});
