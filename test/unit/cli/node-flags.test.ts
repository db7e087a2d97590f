// NODE_FLAGS (src/cli/node-flags.ts): in the shebang, accepted silently, and the daemon's modules
// load under them on every supported Node.js. Reads the sources; runs node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { NODE_FLAGS } from '../../../src/cli/node-flags.js';

const entry = fileURLToPath(new URL('../../../src/cli/main.js', import.meta.url));

test('the executable\'s shebang runs node with exactly NODE_FLAGS', () => {
  const shebang = readFileSync(entry, 'utf8').split('\n')[0];
  assert.equal(shebang, `#!/usr/bin/env -S node ${NODE_FLAGS.join(' ')}`);
});

test('node accepts the flags silently: no warning on stderr of every CLI call', () => {
  const r = spawnSync(process.execPath, [...NODE_FLAGS, entry, '--version'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.match(r.stdout, /\d+\.\d+\.\d+/);
});

const srcDir = fileURLToPath(new URL('../../../../src', import.meta.url));

/** Every .ts file under dir. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

// Node ≥ 22 under --lite-mode: an ESM import of node:http reads its lazy WebSocket export, which
// loads undici's WebAssembly parser, and lite mode has no WebAssembly: the daemon died at start
// (src/daemon/metrics.ts loads node:http through require instead). Node 20 does not show it, so
// the source is checked too.
test('no source imports node:http or node:https as an ES module (type-only imports aside)', () => {
  const files = sources(srcDir);
  assert.ok(files.some((f) => f.endsWith('metrics.ts')), srcDir);
  const offenders = files.filter((file) => /^import (?!type )[^;]*from 'node:https?';/m.test(readFileSync(file, 'utf8')));
  assert.deepEqual(offenders, []);
});

test('under NODE_FLAGS the daemon and the metrics endpoint load and serve', { timeout: 30_000 }, () => {
  const metrics = new URL('../../../src/daemon/metrics.js', import.meta.url).href;
  const daemon = new URL('../../../src/daemon/main.js', import.meta.url).href;
  const script = `await import(${JSON.stringify(daemon)}); const { createRequire } = await import('node:module');
    const http = createRequire(import.meta.url)('node:http');
    const server = http.createServer((q, s) => s.end('ok')).listen(0, '127.0.0.1', () => {
      http.get({ host: '127.0.0.1', port: server.address().port }, (r) => { r.resume(); r.on('end', () => { console.log('served', r.statusCode); server.close(); }); });
    }); await import(${JSON.stringify(metrics)});`;
  const r = spawnSync(process.execPath, [...NODE_FLAGS, '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 25_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'served 200\n');
});
