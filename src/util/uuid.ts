import { randomBytes, randomFillSync } from 'node:crypto';

/** RFC 9562 UUID version 7: 48-bit Unix ms timestamp, then random bits. */
export function uuidv7(nowMs: number = Date.now()): string {
  const b = randomBytes(16);
  const ts = BigInt(nowMs);
  for (let i = 0; i < 6; i++) b[i] = Number((ts >> BigInt(8 * (5 - i))) & 0xffn);
  b[6] = ((b[6] as number) & 0x0f) | 0x70;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

// Request ids are minted on the hot path: draw from a pooled buffer refilled 4 KiB at a
// time instead of one crypto call per id.
const pool = Buffer.alloc(4096);
let poolPos = pool.length;

const ALNUM_CODES = Buffer.from(ALNUM, 'latin1');
/** Random characters already mapped to [A-Za-z0-9], refilled from the CSPRNG 4 KiB at a time. */
const charPool = Buffer.alloc(4096);
let charPos = charPool.length;
/** The id being built: the last prefix stays in place for the next id with the same one. */
const scratch = Buffer.alloc(256);
let scratchPrefix = '';

/**
 * `prefix` (ASCII) followed by `n` random characters from [A-Za-z0-9], built in a byte buffer
 * and decoded once: a flat string (a prefix + random concatenation would be a cons string
 * that every native consumer, uWS's writeHeader first, flattens again).
 */
export function randomAlnumAfter(prefix: string, n: number): string {
  const at = prefix.length;
  if (at + n > scratch.length || n > charPool.length) return prefix + randomAlnum(n);
  if (charPos + n > charPool.length) {
    randomFillSync(charPool);
    for (let i = 0; i < charPool.length; i++) {
      charPool[i] = ALNUM_CODES[(charPool[i] as number) % 62] as number;
    }
    charPos = 0;
  }
  if (prefix !== scratchPrefix) {
    scratch.write(prefix, 0, 'latin1');
    scratchPrefix = prefix;
  }
  // a byte loop, not Buffer#copy (whose TypedArray views cost more than 24 bytes do)
  for (let i = 0; i < n; i++) scratch[at + i] = charPool[charPos + i] as number;
  charPos += n;
  return scratch.toString('latin1', 0, at + n);
}

/** `n` random characters from [A-Za-z0-9] (request ids). */
export function randomAlnum(n: number): string {
  if (n > pool.length) return randomAlnum(pool.length) + randomAlnum(n - pool.length);
  if (poolPos + n > pool.length) {
    randomFillSync(pool);
    poolPos = 0;
  }
  let s = '';
  // 62 symbols: the modulo bias (256 % 62 = 8) is irrelevant for request ids.
  for (let i = 0; i < n; i++) s += ALNUM[(pool[poolPos + i] as number) % 62];
  poolPos += n;
  return s;
}
