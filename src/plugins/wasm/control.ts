import { syncHandler, Replicated } from '../../cluster/replicated';
import type { ControlHandlers } from '../../cluster/control-protocol';
import { errorReply, GatewayError } from '../../errors/gateway-error';
import { handleWasmCall } from './api';
import type { WasmRegistry } from './registry';
import type { WasmModuleRecord } from './types';

type WasmHandlers = Pick<ControlHandlers, 'wasm' | 'sync:wasm' | 'wasm-artifact' | 'wasm-stats'>;

/** The primary's answers to the WASM control ops; without --enable-wasm, an empty registry. */
export function wasmHandlers(registry: WasmRegistry | undefined): WasmHandlers {
  if (!registry) {
    const none = new Replicated<readonly WasmModuleRecord[]>([]);
    return {
      wasm: () => Promise.resolve(errorReply(new GatewayError('wasm_disabled', ''))),
      'sync:wasm': syncHandler(none),
      'wasm-artifact': () => Promise.resolve(null),
      'wasm-stats': () => Promise.resolve(null),
    };
  }
  return {
    wasm: (call) => handleWasmCall(registry, call),
    'sync:wasm': syncHandler(registry.replicated),
    'wasm-artifact': ({ sha256 }) => Promise.resolve(registry.artifact(sha256)),
    'wasm-stats': (delta) => {
      registry.record(delta);
      return Promise.resolve(null);
    },
  };
}
