// The composition root reclaims at start-up: a resource left running by a daemon killed with -9
// is stopped before the links open and the core starts (logged before daemon-ready).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runDaemon, type DaemonHandle } from '../../../src/daemon/main.js';
import { SilentLink, silentWiring, silentPairConfig } from './memory-wiring.js';

test('a resource left running by a killed daemon is stopped before the links open', { timeout: 60_000 }, async (t) => {
  const cfg = silentPairConfig(t);
  mkdirSync(cfg.run, { recursive: true });
  writeFileSync(join(cfg.run, 'Dummy-tb6web.state'), 'left by a daemon killed with -9\n');
  const link = new SilentLink('memory:a');
  let leftoverAtLinkOpen: boolean | null = null;
  const open = link.open.bind(link);
  link.open = async () => {
    leftoverAtLinkOpen = existsSync(join(cfg.run, 'Dummy-tb6web.state'));
    await open();
  };
  let err = '';
  let onReady!: (h: DaemonHandle) => void;
  const ready = new Promise<DaemonHandle>((resolve) => (onReady = resolve));
  const exit = runDaemon({ configDir: cfg.dir, node: 'alpha', foreground: false, installSignalHandlers: false, onReady }, { err: (text) => void (err += text) }, silentWiring([link]));
  const handle = await Promise.race([ready, exit.then((code) => Promise.reject(new Error(`daemon exited ${code}: ${err}`)))]);
  handle.stop();
  assert.equal(await exit, 0);

  assert.equal(leftoverAtLinkOpen, false, 'the leftover was stopped before the first link opened');
  const log = readFileSync(cfg.log, 'utf8');
  const reclaim = log.search(/WARN event=startup-reclaim component=daemon resource=Dummy::tb6web /);
  assert.ok(reclaim > 0, log);
  assert.ok(reclaim < log.search(/event=daemon-ready/), 'reclaim is logged before daemon-ready');
});
