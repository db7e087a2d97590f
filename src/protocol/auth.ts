// Frame authentication with the keys from authkeys. The tag covers every byte of the frame
// before it and is appended in the frame alphabet.
//
// sha256 (recommended), sha1 and md5: HMAC, truncated to 128 bits (22 characters, the last one
// carrying 2 zero bits) — the truncation RFC 4868 uses for HMAC-SHA-256-128; a forger needs about
// 2^127 guesses, each one a frame on the wire. The claim sets travel as short numbers
// (frame.ts) so that a heartbeat still fits 80 bytes with the full tag. sha1 and md5 exist so
// Heartbeat authkeys files load unchanged; twinbeat does not interoperate with Heartbeat on the
// wire, so truncating its methods breaks nothing.
// crc: CRC-32 only — detects line noise, gives no protection against anyone on the network.
import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import type { AuthKey, AuthMethod } from '../config/types.js';
import { encodeBytes } from './alphabet.js';

const HMAC_TAG_BYTES = 16;
const CRC_TAG_BYTES = 4;

/** Length in characters of the tag a method produces. */
export function tagLength(method: AuthMethod): number {
  return Math.ceil(((method === 'crc' ? CRC_TAG_BYTES : HMAC_TAG_BYTES) * 8) / 6);
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE 802.3, as zlib computes it). */
export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * The HMAC key as a KeyObject, made once per configured key (a reload brings new AuthKey
 * objects): a heartbeat is signed or checked several times a second, and a key given as a
 * string is converted and copied into OpenSSL on every call.
 */
const secretKeys = new WeakMap<AuthKey, KeyObject>();
function secretKey(key: AuthKey): KeyObject {
  let secret = secretKeys.get(key);
  if (!secret) secretKeys.set(key, (secret = createSecretKey(Buffer.from(key.key, 'utf8'))));
  return secret;
}

export function computeTag(key: AuthKey, body: string): string {
  const data = Buffer.from(body, 'latin1');
  if (key.method === 'crc') {
    const out = Buffer.alloc(CRC_TAG_BYTES);
    out.writeUInt32BE(crc32(data));
    return encodeBytes(out);
  }
  const mac = createHmac(key.method, secretKey(key)).update(data).digest();
  return encodeBytes(mac.subarray(0, HMAC_TAG_BYTES));
}

/** Constant-time comparison of the tag a frame carries with the one `key` gives. */
export function verifyTag(key: AuthKey, body: string, tag: string): boolean {
  const expected = Buffer.from(computeTag(key, body), 'latin1');
  const given = Buffer.from(tag, 'latin1');
  return expected.length === given.length && timingSafeEqual(expected, given);
}
