import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkFetchUrl } from '../../../src/auth/jwt/url-guard';

test('HTTPS to public hosts is allowed; plain HTTP only to localhost', () => {
  for (const ok of [
    'https://idp.example.com/.well-known/jwks.json',
    'https://8.8.8.8/jwks',
    'https://localhost/jwks',
    'http://localhost:8080/jwks',
    'http://127.0.0.1:8080/jwks',
    'http://[::1]:8080/jwks',
  ]) {
    assert.equal(checkFetchUrl(ok), undefined, ok);
  }
  assert.match(checkFetchUrl('http://example.com/jwks') ?? '', /Only HTTPS URLs are allowed/);
  assert.match(checkFetchUrl('ftp://example.com/jwks') ?? '', /Invalid URL scheme 'ftp'/);
  assert.match(checkFetchUrl('file:///etc/passwd') ?? '', /Invalid URL scheme 'file'/);
  assert.match(checkFetchUrl('not a url') ?? '', /^Invalid URL: /);
});

test('HTTPS to private, loopback, link-local, CGNAT, documentation and metadata IPs is blocked', () => {
  for (const bad of [
    'https://10.0.0.1/jwks',
    'https://172.16.0.1/jwks',
    'https://192.168.1.1/jwks',
    'https://127.0.0.1/jwks',
    'https://169.254.1.1/jwks',
    'https://169.254.169.254/jwks',
    'https://100.64.0.1/jwks',
    'https://192.0.2.1/jwks',
    'https://0.0.0.0/jwks',
    'https://[::1]/jwks',
    'https://[fd00::1]/jwks',
    'https://[fe80::1]/jwks',
  ]) {
    assert.match(checkFetchUrl(bad) ?? '', /Private\/internal IP addresses are not allowed/, bad);
  }
});

test('internal host names are blocked', () => {
  for (const bad of [
    'https://metadata/jwks',
    'https://metadata.google.internal/jwks',
    'https://x.example.internal/jwks',
    'https://printer.local/jwks',
  ]) {
    assert.match(checkFetchUrl(bad) ?? '', /Internal hostnames are not allowed/, bad);
  }
});
