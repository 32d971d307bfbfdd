import type { Hook, WasmAction, WasmArtifact, WasmRequest, WasmResponse } from './types';

/** The typed protocol between an ingress process and its WASM host thread. */
export type ToHost =
  | { readonly op: 'load'; readonly artifact: WasmArtifact }
  | { readonly op: 'unload'; readonly sha256: string }
  | {
      readonly op: 'call';
      readonly id: number;
      readonly sha256: string;
      readonly hook: Hook;
      readonly input: WasmRequest | WasmResponse;
    };

export type FromHost =
  | { readonly op: 'loaded'; readonly sha256: string; readonly error?: string }
  | { readonly op: 'result'; readonly id: number; readonly action: WasmAction }
  | { readonly op: 'failed'; readonly id: number; readonly error: string };
