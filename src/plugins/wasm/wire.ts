import type { WasmArtifact } from './types';

/**
 * An artifact as it crosses the primary → ingress IPC channel (JSON serialisation): core
 * modules as base64. Redis stores the same form.
 */
export interface WasmArtifactWire {
  readonly sha256: string;
  readonly js: string;
  readonly cores: ReadonlyArray<readonly [name: string, base64: string]>;
  readonly imports: readonly string[];
}

export function toWire(a: WasmArtifact): WasmArtifactWire {
  return {
    sha256: a.sha256,
    js: a.js,
    cores: a.cores.map(([n, b]) => [n, Buffer.from(b).toString('base64')] as const),
    imports: a.imports,
  };
}

export function fromWire(w: WasmArtifactWire): WasmArtifact {
  return {
    sha256: w.sha256,
    js: w.js,
    cores: w.cores.map(([n, b]) => [n, new Uint8Array(Buffer.from(b, 'base64'))] as const),
    imports: w.imports,
  };
}
