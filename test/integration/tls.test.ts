import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { parseLaunchArgs } from '../../src/config/parse';
import { startTestGateway, startEngines, closeAll, type TestGateway } from '../helpers/gateway';
import type { MockEngine } from '../../src/mock-engine';

/** A self-signed certificate for 127.0.0.1, made by openssl in a temp dir. */
function makeCert(dir: string, name: string): { cert: string; key: string } {
  const cert = path.join(dir, `${name}.crt`);
  const key = path.join(dir, `${name}.key`);
  const r = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  return { cert, key };
}

function httpsPost(
  port: number,
  ca: string,
  body: unknown,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port,
        path: '/v1/chat/completions',
        method: 'POST',
        ca,
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (data += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

let dir: string;
let files: { cert: string; key: string };
let engines: MockEngine[];
let gw: TestGateway;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'collie-tls-'));
  files = makeCert(dir, 'server');
  engines = await startEngines(1);
  gw = await startTestGateway([
    '--worker-urls',
    engines[0]!.url,
    '--policy',
    'round_robin',
    '--tls-cert-path',
    files.cert,
    '--tls-key-path',
    files.key,
  ]);
});
after(async () => {
  await closeAll(gw, engines);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('with --tls-cert-path/--tls-key-path the gateway serves HTTPS, verified against the certificate', async () => {
  const ca = fs.readFileSync(files.cert, 'utf8');
  const r = await httpsPost(gw.port, ca, {
    model: 'mock-model',
    messages: [{ role: 'user', content: 'hi' }],
  });
  assert.equal(r.status, 200, r.body);
  assert.ok((JSON.parse(r.body) as { choices: unknown[] }).choices.length > 0);
  // A client that does not trust the certificate is refused by its own TLS check.
  await assert.rejects(
    httpsPost(gw.port, '', { model: 'mock-model', messages: [] }),
    /self[- ]signed|certificate/i,
  );
});

test('plain HTTP to the TLS port gets no HTTP answer', async () => {
  const res = await fetch(`http://127.0.0.1:${gw.port}/health`).catch((err: unknown) => err);
  assert.ok(res instanceof Error, 'a plain-HTTP request must not be served');
});

test('TLS flags are checked at startup with the file named', () => {
  assert.throws(() => parseLaunchArgs(['--tls-cert-path', files.cert]), /must be given together/);
  assert.throws(
    () =>
      parseLaunchArgs(['--tls-cert-path', path.join(dir, 'nope.crt'), '--tls-key-path', files.key]),
    /--tls-cert-path: cannot read '.*nope\.crt'/,
  );
  const notPem = path.join(dir, 'junk.crt');
  fs.writeFileSync(notPem, 'hello');
  assert.throws(
    () => parseLaunchArgs(['--tls-cert-path', notPem, '--tls-key-path', files.key]),
    /is not a PEM certificate/,
  );
  const other = makeCert(dir, 'other');
  assert.throws(
    () => parseLaunchArgs(['--tls-cert-path', files.cert, '--tls-key-path', other.key]),
    /the key does not belong to --tls-cert-path/,
  );
  assert.deepEqual(
    parseLaunchArgs(['--tls-cert-path', files.cert, '--tls-key-path', files.key]).tls,
    {
      certPath: files.cert,
      keyPath: files.key,
    },
  );
});
