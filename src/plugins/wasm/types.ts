/**
 * The values of SMG's WIT world `smg:gateway` (crates/wasm/src/interface/spec.wit) as jco's
 * bindings lift and lower them, and the module records of the /wasm API.
 */

export interface WasmHeader {
  readonly name: string;
  readonly value: string;
}

/** `middleware-types.request`: what OnRequest sees. */
export interface WasmRequest {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly headers: readonly WasmHeader[];
  readonly body: Uint8Array;
  readonly requestId: string;
  readonly nowEpochMs: bigint;
}

/** `middleware-types.response`: what OnResponse sees. */
export interface WasmResponse {
  readonly status: number;
  readonly headers: readonly WasmHeader[];
  readonly body: Uint8Array;
}

export interface ModifyAction {
  readonly status?: number | undefined;
  readonly headersSet: readonly WasmHeader[];
  readonly headersAdd: readonly WasmHeader[];
  readonly headersRemove: readonly string[];
  readonly bodyReplace?: Uint8Array | undefined;
}

/** `middleware-types.action`. */
export type WasmAction =
  | { readonly tag: 'continue' }
  | { readonly tag: 'reject'; readonly val: number }
  | { readonly tag: 'modify'; readonly val: ModifyAction };

export type Hook = 'OnRequest' | 'OnResponse';
export const ATTACH_POINTS = ['OnRequest', 'OnResponse', 'OnError'] as const;
export type AttachPointName = (typeof ATTACH_POINTS)[number];

/** SMG's `WasmModuleAttachPoint`, serialised as `{"Middleware":"OnRequest"}`. */
export interface AttachPoint {
  readonly Middleware: AttachPointName;
}

/**
 * A transpiled component, ready to instantiate anywhere: jco's glue (an ES module exporting
 * `instantiate`), its core modules (memories already capped), and its WASI imports.
 */
export interface WasmArtifact {
  readonly sha256: string;
  readonly js: string;
  readonly cores: ReadonlyArray<readonly [name: string, bytes: Uint8Array]>;
  readonly imports: readonly string[];
}

/** One registered module as the primary replicates it (no bytes: those go by SHA-256). */
export interface WasmModuleRecord {
  readonly uuid: string;
  readonly name: string;
  readonly filePath: string;
  readonly sha256: string;
  readonly sizeBytes: number;
  /** Registration time, ns since the epoch (SMG prints it as RFC 3339 with nanoseconds). */
  readonly createdNs: string;
  readonly attachPoints: readonly AttachPoint[];
}

/** Execution counters (SMG's `WasmMetrics`) plus per-module access stats, as deltas. */
export interface WasmStatsDelta {
  readonly total: number;
  readonly success: number;
  readonly failed: number;
  readonly totalMs: number;
  readonly maxMs: number;
  /** uuid → [calls, last access ms since the epoch]. */
  readonly modules: Readonly<Record<string, readonly [number, number]>>;
}

/** Limits of every call (SMG's WasmRuntimeConfig defaults). */
export const WASM_LIMITS = {
  /** Linear memory cap per instance: 1024 pages of 64 KiB. */
  maxMemoryPages: 1024,
  /** Per-call deadline, ms. */
  maxExecutionMs: 1000,
  /** OnRequest / OnResponse body buffering cap, bytes. */
  maxBodyBytes: 10 * 1024 * 1024,
} as const;
