/**
 * The slice of the global `WebAssembly` API the host uses. The project compiles without the
 * DOM lib, which is where TypeScript declares it.
 */
export interface CoreModule {
  readonly __coreModule?: never;
}

interface WebAssemblyApi {
  readonly Module: new (bytes: Uint8Array) => CoreModule;
  compile(bytes: Uint8Array): Promise<CoreModule>;
}

export const webAssembly = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
