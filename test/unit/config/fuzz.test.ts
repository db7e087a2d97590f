// Every parser is total: random and mutated texts never make it throw, and what it returns is
// well formed (errors carry a file, a line inside the text, and non-empty expected/got).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lex } from '../../../src/config/lexer.js';
import { parseDuration } from '../../../src/config/duration.js';
import { parseHaCf } from '../../../src/config/hacf.js';
import { parseHaresources } from '../../../src/config/haresources.js';
import { parseAuthkeys } from '../../../src/config/authkeys.js';
import type { ConfigError, Notice } from '../../../src/config/errors.js';
import { configFixtures } from './stage.js';
import { mulberry32 } from '../../support/prng.js';

const ROUNDS = 10_000;

const alphabet = ' \t\n\r#\\,:/.=-_0123456789abcdefghijklmnopqrstuvwxyzABCXYZ\u00e9\u0000\u2028';
const words = ['node', 'keepalive', 'deadtime', 'bcast', 'ucast', 'mcast', 'serial', 'baud', 'udpport', 'auth', 'md5', 'sha256', 'crc', 'tb_monitor', 'tb_hook', 'interval=', 'IPaddr::', '10.0.0.1/24/eth0', '\\\n', '#', '::', ',', '1', '99999999999999999999', '-1', '1.5', 'ms', 'us', 'legacy', 'on', 'alpha', 'beta', '__proto__', 'constructor'];

const seeds = ['valid/heartbeat-v1', 'valid/twinbeat-full', 'invalid/everything-at-once', 'invalid/haresources', 'invalid/authkeys']
  .flatMap((c) => ['ha.cf', 'haresources', 'authkeys'].map((f) => readFileSync(join(configFixtures, c, f), 'utf8')));

function randomText(next: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const mode = next();
  if (mode < 0.3) {
    return Array.from({ length: Math.floor(next() * 200) }, () => pick([...alphabet])).join('');
  }
  if (mode < 0.6) {
    return Array.from({ length: Math.floor(next() * 40) }, () => pick(words) + pick([' ', ' ', '\t', '\n', ','])).join('');
  }
  // Mutate a real file: delete, duplicate, insert and flip pieces.
  let text = pick(seeds);
  for (let k = Math.floor(next() * 6); k >= 0; k--) {
    const at = Math.floor(next() * (text.length + 1));
    const op = next();
    if (op < 0.25) text = text.slice(0, at) + text.slice(at + Math.floor(next() * 10));
    else if (op < 0.5) text = text.slice(0, at) + pick(words) + text.slice(at);
    else if (op < 0.75) text = text.slice(0, at) + pick([...alphabet]) + text.slice(at);
    else text = text.slice(0, at) + text.slice(Math.floor(next() * text.length)) ;
  }
  return text;
}

function assertWellFormed(problems: (ConfigError | Notice)[], file: string, text: string, what: string): void {
  const lines = text.split(/\r?\n/).length;
  for (const p of problems) {
    assert.equal(p.file, file, what);
    assert.ok(Number.isInteger(p.line) && p.line >= 0 && p.line <= lines, `${what}: line ${p.line} within ${lines}`);
    assert.ok(p.directive.length > 0, what);
    if ('expected' in p) assert.ok(p.expected.length > 0 && p.got.length > 0, what);
    else assert.ok(p.message.length > 0, what);
  }
}

test(`fuzz: ${ROUNDS} texts through every parser, none throws, all results well formed`, () => {
  const next = mulberry32(20261123);
  for (let i = 0; i < ROUNDS; i++) {
    const text = randomText(next);
    const what = `round ${i}: ${JSON.stringify(text.slice(0, 200))}`;
    try {
      for (const l of lex(text, 'f', { continuation: next() < 0.5, comments: next() < 0.5 ? 'anywhere' : 'leading' })) {
        assert.ok(l.words.length > 0 && l.words.every((w) => w.length > 0 && !/\s/.test(w)), what);
      }
      for (const token of text.split(/\s+/).slice(0, 5)) {
        const d = parseDuration(token);
        if (d.ok) assert.ok(Number.isFinite(d.ms) && d.ms >= 0, what);
      }
      const h = parseHaCf(text, 'ha.cf');
      assertWellFormed([...h.errors, ...h.notices], 'ha.cf', text, what);
      const r = parseHaresources(text, 'haresources');
      assertWellFormed([...r.errors, ...r.notices], 'haresources', text, what);
      for (const g of r.groups) assert.ok(g.resources.length > 0 && g.key === g.resources[0]!.id, what);
      const a = parseAuthkeys(text, 'authkeys');
      assertWellFormed([...a.errors, ...a.notices], 'authkeys', text, what);
      assert.equal(a.auth === null, a.errors.length > 0, what);
      if (a.auth) assert.ok(a.auth.keys.some((k) => k.index === a.auth!.signIndex), what);
    } catch (err) {
      if (err instanceof assert.AssertionError) throw err;
      assert.fail(`${what}: threw ${(err as Error).stack}`);
    }
  }
});
