import { createHash, timingSafeEqual } from 'node:crypto';
import type { Headers } from './types';

/** SHA-256 of the UTF-8 bytes of `s` (what SMG hashes). */
export function sha256(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

/**
 * The token of `Authorization: Bearer <token>`. The scheme match is case-sensitive and
 * needs exactly one space (SMG's `strip_prefix("Bearer ")`); the token may be empty.
 * `x-api-key` is never consulted.
 */
export function bearerToken(headers: Headers): string | undefined {
  const h = headers.get('authorization');
  return h !== undefined && h.startsWith('Bearer ') ? h.slice(7) : undefined;
}

/**
 * Whether a header value survives http's `HeaderValue::to_str` (HTAB or visible ASCII).
 * SMG's control-plane middleware treats any other value as a missing header.
 */
export function isVisibleAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 9 && (c < 0x20 || c > 0x7e)) return false;
  }
  return true;
}

/**
 * Precomputed key digests with a constant-time lookup: every entry is compared with
 * `timingSafeEqual`, with no early exit, so timing does not depend on which entry (if
 * any) matched. Duplicate keys are resolved at construction.
 */
export class KeyRing<T> {
  private readonly digests: Buffer[] = [];
  private readonly values: T[] = [];

  /**
   * @param entries key → value, in configuration order.
   * @param onDuplicate `last` keeps the later value (SMG's HashMap insert, data plane);
   *   `first` keeps the earlier one (SMG's `iter().find`, control-plane keys).
   */
  constructor(entries: Iterable<readonly [key: string, value: T]>, onDuplicate: 'first' | 'last') {
    const byHex = new Map<string, { digest: Buffer; value: T }>();
    for (const [key, value] of entries) {
      const digest = sha256(key);
      const hex = digest.toString('hex');
      if (onDuplicate === 'first' && byHex.has(hex)) continue;
      byHex.set(hex, { digest, value });
    }
    for (const { digest, value } of byHex.values()) {
      this.digests.push(digest);
      this.values.push(value);
    }
  }

  get size(): number {
    return this.digests.length;
  }

  /** The value whose key hashes to `digest`, else undefined. */
  match(digest: Buffer): T | undefined {
    let found = -1;
    for (let i = 0; i < this.digests.length; i++) {
      // Digests are all 32 bytes, so timingSafeEqual never throws here.
      if (timingSafeEqual(this.digests[i] as Buffer, digest)) found = i;
    }
    return found < 0 ? undefined : this.values[found];
  }

  /** Hashes `token` and looks it up. */
  lookup(token: string): T | undefined {
    return this.size === 0 ? undefined : this.match(sha256(token));
  }
}
