import crypto from 'node:crypto';
import fs from 'node:fs';
import { ConfigError } from './errors';
import { bool, str } from './flag-kinds';
import { derive, type ConfigOf } from './schema';

/** TLS on the main listener (SMG's flags). Both or neither; checked once at startup. */
const TLS_FLAGS = {
  certPath: str('--tls-cert-path', {
    help: 'Serve HTTPS: server certificate chain (PEM); needs --tls-key-path',
  }),
  keyPath: str('--tls-key-path', {
    help: 'Serve HTTPS: private key of the certificate (PEM, unencrypted)',
  }),
};

export interface TlsFiles {
  readonly certPath: string;
  readonly keyPath: string;
}

function readPem(flag: string, file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${flag}: cannot read '${file}': ${(err as Error).message}`);
  }
}

/**
 * Reads and parses both files here, so a wrong path, a non-PEM file or a key that does not
 * belong to the certificate fails at startup with the file named (uWS would only log).
 */
function tlsConfig(t: ConfigOf<typeof TLS_FLAGS>): TlsFiles | undefined {
  if (t.certPath === undefined && t.keyPath === undefined) return undefined;
  if (t.certPath === undefined || t.keyPath === undefined) {
    throw new ConfigError('--tls-cert-path and --tls-key-path must be given together');
  }
  let cert: crypto.X509Certificate;
  try {
    cert = new crypto.X509Certificate(readPem('--tls-cert-path', t.certPath));
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(`--tls-cert-path: '${t.certPath}' is not a PEM certificate`);
  }
  let key: crypto.KeyObject;
  try {
    key = crypto.createPrivateKey(readPem('--tls-key-path', t.keyPath));
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(`--tls-key-path: '${t.keyPath}' is not an unencrypted PEM private key`);
  }
  if (!cert.checkPrivateKey(key)) {
    throw new ConfigError('--tls-key-path: the key does not belong to --tls-cert-path');
  }
  return { certPath: t.certPath, keyPath: t.keyPath };
}

const TRACE_FLAGS = {
  enabled: bool('--enable-trace', {
    help: 'Export an OpenTelemetry span per request (routing attributes; traceparent sent upstream)',
  }),
  endpoint: str('--otlp-traces-endpoint', {
    default: 'localhost:4317',
    help: 'OTLP collector: host:port for OTLP/gRPC (as SMG), or an http(s):// URL for OTLP/HTTP',
  }),
};

/** Tracing settings when --enable-trace is given; the endpoint is checked either way. */
function traceConfig(t: ConfigOf<typeof TRACE_FLAGS>): { readonly endpoint: string } | undefined {
  const e = t.endpoint;
  const url = /^https?:\/\//i.test(e);
  if (url) {
    try {
      new URL(e);
    } catch {
      throw new ConfigError(`--otlp-traces-endpoint: invalid URL '${e}'`);
    }
  } else if (!/^[A-Za-z0-9.-]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(e)) {
    throw new ConfigError(
      `--otlp-traces-endpoint: expected host:port (OTLP/gRPC) or an http(s):// URL, got '${e}'`,
    );
  }
  return t.enabled ? { endpoint: e } : undefined;
}

export const SERVING_FLAGS = {
  tls: derive(TLS_FLAGS, tlsConfig),
  tracing: derive(TRACE_FLAGS, traceConfig),
  logDir: str('--log-dir', {
    help: 'Also write JSON log lines to files here, one per process (<name>.<date>.<n>.log), rotated daily and at 100 MB, 7 kept',
  }),
};
