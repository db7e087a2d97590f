// The daemon saves the deadtime advisor's figures next to its state file when it stops, so
// `twinbeat check` finds them (src/daemon/inter-arrival-file.ts, wired in main.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { runDaemon, type DaemonHandle } from '../../../src/daemon/main.js';
import { figuresPath, loadFigures } from '../../../src/daemon/inter-arrival-file.js';
import { SilentLink, silentWiring, silentPairConfig } from './memory-wiring.js';

test('at stop the daemon writes its links\' inter-arrival figures next to the state file', { timeout: 60_000 }, async (t) => {
  const cfg = silentPairConfig(t);
  const path = figuresPath(cfg.state);
  let err = '';
  let onReady!: (h: DaemonHandle) => void;
  const ready = new Promise<DaemonHandle>((resolve) => (onReady = resolve));
  const before = Date.now();
  const exit = runDaemon({ configDir: cfg.dir, node: 'alpha', foreground: false, installSignalHandlers: false, onReady }, { err: (text) => void (err += text) }, silentWiring([new SilentLink('memory:a')]));
  const handle = await Promise.race([ready, exit.then((code) => Promise.reject(new Error(`daemon exited ${code}: ${err}`)))]);
  assert.equal(existsSync(path), false, 'not before the first minute');
  handle.stop();
  assert.equal(await exit, 0, err);
  const read = await loadFigures(path);
  assert.ok(read?.ok, JSON.stringify(read));
  assert.equal(read.figures.node, 'alpha');
  assert.deepEqual([read.figures.keepaliveMs, read.figures.deadtimeMs], [100, 1000]);
  assert.deepEqual(read.figures.links.map((l) => [l.name, l.supportedDeadtimeMs]), [['memory:a', null]], 'a silent peer: nothing measured, nothing advised');
  assert.ok(read.figures.savedAt >= before && read.figures.savedAt <= Date.now());
});
