import { bool, int } from './flag-kinds';

/** WASM middleware flags of `collie launch` (SMG's --enable-wasm, plus collie's bound). */
export const WASM_FLAGS = {
  enabled: bool('--enable-wasm', {
    help: 'Serve GET|POST /wasm and DELETE /wasm/{uuid} and run registered WASM middleware on the protected routes',
  }),
  maxModules: int('--wasm-max-modules', {
    default: 64,
    min: 1,
    max: 4096,
    help: 'Registered WASM modules at most; more are refused (SMG has no bound)',
  }),
  reuseInstances: bool('--wasm-reuse-instances', {
    help: 'Reuse one instance per module and thread across calls (about 10x cheaper; a module may then keep state between calls, which SMG never lets it)',
  }),
  threads: int('--wasm-threads', {
    default: 2,
    min: 1,
    max: 64,
    help: 'WASM host threads per ingress process (a module call over its 1 s deadline holds one up)',
  }),
};
