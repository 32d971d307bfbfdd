import { BlockList, isIP } from 'node:net';

/**
 * SSRF guard for the discovery and JWKS URLs, as SMG's `validate_url` (crates/auth
 * jwks.rs): HTTPS only, except plain HTTP to localhost / 127.0.0.1 / ::1 (tests); an
 * HTTPS URL may not name a private, loopback, link-local, CGNAT, documentation or
 * metadata IP literal, nor an internal host name. Host names are not resolved.
 * Returns an error message in SMG's wording, or undefined when the URL is acceptable.
 */
export function checkFetchUrl(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch (err) {
    return `Invalid URL: Failed to parse URL: ${(err as Error).message}`;
  }
  const host = url.hostname;
  const scheme = url.protocol.slice(0, -1);
  if (scheme === 'http') {
    return host === 'localhost' || host === '127.0.0.1' || host === '[::1]'
      ? undefined
      : 'SSRF protection: Only HTTPS URLs are allowed for JWKS endpoints';
  }
  if (scheme !== 'https') {
    return `SSRF protection: Invalid URL scheme '${scheme}'. Only HTTPS is allowed`;
  }
  return checkHttpsHost(host);
}

function checkHttpsHost(host: string): string | undefined {
  const bare = host.startsWith('[') ? host.slice(1, -1) : host;
  const kind = isIP(bare);
  if (kind === 4 && PRIVATE_V4.check(bare, 'ipv4')) {
    return `SSRF protection: Private/internal IP addresses are not allowed: ${bare}`;
  }
  if (kind === 6 && PRIVATE_V6.check(bare, 'ipv6')) {
    return `SSRF protection: Private/internal IP addresses are not allowed: ${bare}`;
  }
  if (kind === 0) {
    const lower = host.toLowerCase();
    if (
      lower === 'metadata' ||
      lower === 'metadata.google.internal' ||
      lower.endsWith('.internal') ||
      lower.endsWith('.local')
    ) {
      return `SSRF protection: Internal hostnames are not allowed: ${host}`;
    }
  }
  return undefined;
}

const PRIVATE_V4 = blockList('ipv4', [
  ['10.0.0.0', 8],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, includes cloud metadata 169.254.169.254
  ['255.255.255.255', 32],
  ['0.0.0.0', 32],
  ['100.64.0.0', 10], // CGNAT
  ['192.0.2.0', 24],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
]);

// Only v6 rules here, so IPv4-mapped addresses are not caught (as in Rust, where
// `Ipv6Addr::is_loopback` is true for ::1 only).
const PRIVATE_V6 = blockList('ipv6', [
  ['::1', 128],
  ['::', 128],
  ['fc00::', 7],
  ['fe80::', 10],
]);

function blockList(
  type: 'ipv4' | 'ipv6',
  subnets: ReadonlyArray<readonly [string, number]>,
): BlockList {
  const list = new BlockList();
  for (const [net, prefix] of subnets) list.addSubnet(net, prefix, type);
  return list;
}
