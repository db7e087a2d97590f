// authkeys text → AuthConfig (Heartbeat auth.c:parse_authfile()): `auth N` picks the key that
// signs outgoing messages; `N METHOD [KEY]` lines define keys 0-15, all accepted on input so keys
// can be rolled over. Only a leading `#` is a comment: a `#` inside a key belongs to the key.
// Pure: parses text (load.ts reads the file).
import { lex, printableLines } from './lexer.js';
import { type ConfigError, type Notice, clipped, didYouMean, shown } from './errors.js';
import type { AuthConfig, AuthKey, AuthMethod } from './types.js';
import type { Place } from './directives.js';

export const authMethods: readonly AuthMethod[] = ['crc', 'md5', 'sha1', 'sha256'];

export interface AuthkeysResult {
  /** Null when there were errors. */
  auth: AuthConfig | null;
  errors: ConfigError[];
  notices: Notice[];
}

export function parseAuthkeys(text: string, file: string): AuthkeysResult {
  const errors: ConfigError[] = [];
  const notices: Notice[] = [];
  const keys: (AuthKey & { origin: Place })[] = [];
  let sign: { index: number; origin: Place } | null = null;
  const fail = (line: number, directive: string, expected: string, got: string, hint?: string) =>
    errors.push({ file, line, directive, expected, got, ...(hint ? { hint } : {}) });

  for (const { line, words } of printableLines(lex(text, file, { comments: 'leading' }), errors)) {
    const [first, ...rest] = words as [string, ...string[]];
    if (first === 'auth') {
      if (sign) {
        fail(line, 'auth', `one auth line (already at ${file}:${sign.origin.line})`, 'a second one');
        continue;
      }
      const index = rest.length === 1 ? keyIndex(rest[0]!) : null;
      if (index === null) fail(line, 'auth', 'auth N with N from 0 to 15', rest.length === 0 ? 'nothing' : shown(rest.join(' ')));
      else sign = { index, origin: { file, line } };
      continue;
    }
    const index = keyIndex(first);
    if (index === null) {
      const hint = /^a/i.test(first) ? 'the signing line is written: auth N' : undefined;
      fail(line, clipped(first), 'auth N, or a key line N METHOD [KEY] with N from 0 to 15', shown(first), hint);
      continue;
    }
    const [methodWord, key, ...extra] = rest;
    const directive = `key ${index}`;
    if (methodWord === undefined) {
      fail(line, directive, `a method (${authMethods.join(', ')})`, 'nothing');
      continue;
    }
    const method = authMethods.find((m) => m === methodWord.toLowerCase());
    if (!method) {
      fail(line, directive, `a method (${authMethods.join(', ')})`, shown(methodWord), didYouMean(methodWord.toLowerCase(), authMethods));
      continue;
    }
    if (extra.length > 0) {
      fail(line, directive, 'a key without spaces', shown(rest.slice(1).join(' ')));
      continue;
    }
    if (method === 'crc' && key !== undefined) {
      fail(line, directive, 'no key after crc (crc is a checksum, not a keyed signature)', shown(key));
      continue;
    }
    if (method !== 'crc' && key === undefined) {
      fail(line, directive, `a key after ${method}`, 'nothing', 'twinbeat keygen writes a random sha256 key');
      continue;
    }
    const earlier = keys.find((k) => k.index === index);
    if (earlier) {
      fail(line, directive, `key ${index} defined once (already at ${file}:${earlier.origin.line})`, 'a second definition');
      continue;
    }
    if (method === 'crc') {
      notices.push({ file, line, directive, message: 'crc authenticates nothing: anyone on the network can forge heartbeats; use sha256 (twinbeat keygen)' });
    }
    keys.push({ index, method, key: key ?? '', origin: { file, line } });
  }

  if (!sign) {
    fail(0, 'auth', 'an auth N line choosing the signing key', errors.length === 0 && keys.length === 0 ? 'an empty file' : 'none', 'twinbeat keygen writes a complete authkeys');
  } else if (!keys.some((k) => k.index === sign!.index)) {
    fail(sign.origin.line, 'auth', `a key line for index ${sign.index}`, keys.length === 0 ? 'no keys' : `keys ${keys.map((k) => k.index).join(', ')}`);
  }
  if (errors.length > 0 || !sign) return { auth: null, errors, notices };
  return { auth: { signIndex: sign.index, keys: keys.map(({ index, method, key }) => ({ index, method, key })) }, errors, notices };
}

function keyIndex(word: string): number | null {
  return /^\d{1,2}$/.test(word) && Number(word) <= 15 ? Number(word) : null;
}
