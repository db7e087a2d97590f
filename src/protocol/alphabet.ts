// The 64-character alphabet twinbeat frames use for numbers, bit sets and tags. Digits and
// lower-case letters come first, so numbers below 36 read like base 36 (`7`, `z`); the whole set
// is the base64url alphabet reordered, safe in a text line and in JSON.

export const DIGITS = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_';

const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < DIGITS.length; i++) VALUE[DIGITS.charCodeAt(i)] = i;

/** Value of one digit, or -1 if the character is not in the alphabet. */
export function digitValue(char: string): number {
  const code = char.charCodeAt(0);
  return code < 128 ? VALUE[code]! : -1;
}

/** At most 9 digits: 64^9 > Number.MAX_SAFE_INTEGER. */
export const MAX_NUMBER_DIGITS = 9;

/** A non-negative safe integer in the shortest form (no leading zeros). */
export function encodeNumber(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`cannot put ${n} on the wire: expected a non-negative safe integer`);
  let out = '';
  let rest = n;
  do {
    out = DIGITS[rest % 64]! + out;
    rest = Math.floor(rest / 64);
  } while (rest > 0);
  return out;
}

/** Inverse of encodeNumber; null for anything it would not have produced. */
export function decodeNumber(text: string): number | null {
  if (text.length === 0 || text.length > MAX_NUMBER_DIGITS) return null;
  if (text.length > 1 && text[0] === '0') return null; // one spelling per number
  let n = 0;
  for (const char of text) {
    const d = digitValue(char);
    if (d < 0) return null;
    n = n * 64 + d;
  }
  return Number.isSafeInteger(n) ? n : null;
}

/** `bits` bits (a multiple of 6) as exactly bits/6 digits, most significant first. */
export function encodeFixed(value: bigint, bits: number): string {
  let out = '';
  for (let shift = bits - 6; shift >= 0; shift -= 6) out += DIGITS[Number((value >> BigInt(shift)) & 63n)]!;
  return out;
}

/** Inverse of encodeFixed; null if a character is outside the alphabet. */
export function decodeFixed(text: string): bigint | null {
  let value = 0n;
  for (const char of text) {
    const d = digitValue(char);
    if (d < 0) return null;
    value = (value << 6n) | BigInt(d);
  }
  return value;
}

/** Bytes as digits, 6 bits each (the last digit padded with zero bits). */
export function encodeBytes(bytes: Uint8Array): string {
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const byte of bytes) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += DIGITS[(acc >> bits) & 63]!;
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) out += DIGITS[(acc << (6 - bits)) & 63]!;
  return out;
}
