import { isIP } from 'node:net';
import { sha256 } from './keys';

/** Tenant of a caller holding the shared key: `auth:<lower-case sha256 hex of the key>`. */
export function sharedKeyTenant(key: string): string {
  return `auth:${sha256(key).toString('hex')}`;
}

/** Tenant of a caller holding a `--tenant-api-key`: `auth:<tenant id>`. */
export function tenantKeyTenant(tenant: string): string {
  return `auth:${tenant}`;
}

/**
 * Tenant of an unauthenticated caller: `ip:<peer ip>` in the canonical text form Rust's
 * `IpAddr` prints (compressed lower-case IPv6; IPv4-mapped IPv6 as plain IPv4, which is
 * what SMG sees on its default IPv4 listener), else `anonymous` when the address is
 * unknown or not an IP.
 */
export function peerTenant(remoteAddress: string): string {
  const kind = isIP(remoteAddress);
  if (kind === 4) return `ip:${remoteAddress}`;
  if (kind === 6) return `ip:${canonicalIpv6(remoteAddress)}`;
  return 'anonymous';
}

const MAPPED_V4 = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/;

function canonicalIpv6(addr: string): string {
  // WHATWG URL serialisation is RFC 5952 (lower case, longest zero run compressed).
  const host = new URL(`http://[${addr}]/`).hostname.slice(1, -1);
  const m = MAPPED_V4.exec(host);
  if (m === null) return host;
  const hi = parseInt(m[1] as string, 16);
  const lo = parseInt(m[2] as string, 16);
  return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
}
