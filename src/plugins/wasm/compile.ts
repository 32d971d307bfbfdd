import { capMemories } from './memory-limit';
import { webAssembly } from './webassembly';
import { WASM_LIMITS, type WasmArtifact } from './types';

/** The two interfaces of SMG's world `smg:gateway/smg` every module must export. */
export const REQUIRED_EXPORTS = [
  'smg:gateway/middleware-on-request',
  'smg:gateway/middleware-on-response',
] as const;

/** WASI preview 2 interfaces the host provides (preview2-shim, sandboxed). */
const WASI_IMPORT = /^wasi:(cli|clocks|filesystem|io|random|sockets|http)\/[a-z-]+$/;

export class ComponentError extends Error {
  override readonly name = 'ComponentError';
}

type Jco = typeof import('@bytecodealliance/jco');
let jco: Promise<Jco> | undefined;
/** jco is an ES module: loaded on first use (registration only, never on the request path). */
function loadJco(): Promise<Jco> {
  return (jco ??= import('@bytecodealliance/jco'));
}

const utf8 = new TextDecoder();

/**
 * jco's glue probes for JSPI on every instantiation, four times for a component with
 * post-return functions: `try { f = WebAssembly.promising(g) } catch { f = g }`. Without JSPI
 * (Node 20) each probe throws, and a throw inside the glue's large instantiation generator
 * costs ~10 ms: four fifths of a fresh instance of a componentize-js module. The same probe
 * through a helper answers `g` at once when JSPI is absent and is the real one otherwise.
 */
const PROMISING = 'WebAssembly.promising(';
const PROMISING_HELPER =
  "const __colliePromising = typeof WebAssembly.promising === 'function' ? (f) => WebAssembly.promising(f) : (f) => f;\n";

export function withoutJspiProbes(js: string): string {
  if (!js.includes(PROMISING)) return js;
  return PROMISING_HELPER + js.replaceAll(PROMISING, '__colliePromising(');
}

/**
 * Transpiles a component once, at registration: jco's JS glue plus its core modules with
 * their memories capped at 64 MiB. Rejects (ComponentError) what SMG's runtime could not run:
 * bytes that are not a component, a component of another world (missing either export), or
 * one importing anything but WASI preview 2.
 */
export async function compileComponent(bytes: Uint8Array, sha256: string): Promise<WasmArtifact> {
  const { transpile } = await loadJco();
  let out: Awaited<ReturnType<Jco['transpile']>>;
  try {
    out = await transpile(bytes, {
      name: 'component',
      instantiation: 'sync',
      noTypescript: true,
      base64Cutoff: 0,
      quiet: true,
    });
  } catch (err) {
    throw new ComponentError(err instanceof Error ? err.message : String(err));
  }
  const exported = new Set(out.exports.map(([name]) => name));
  const missing = REQUIRED_EXPORTS.filter((e) => !exported.has(e));
  if (missing.length > 0) {
    throw new ComponentError(
      `component does not implement world smg:gateway/smg: missing export ${missing.join(', ')}`,
    );
  }
  const foreign = out.imports.filter((i) => !WASI_IMPORT.test(i));
  if (foreign.length > 0) {
    throw new ComponentError(`unsupported component import ${foreign.join(', ')}`);
  }
  const js = out.files['component.js'];
  if (!js) throw new ComponentError('transpile produced no JS glue');
  const cores: Array<readonly [string, Uint8Array]> = [];
  for (const [name, file] of Object.entries(out.files)) {
    if (!name.endsWith('.wasm')) continue;
    const capped = capMemories(file, WASM_LIMITS.maxMemoryPages);
    await webAssembly.compile(capped); // fail here, not on the first request
    cores.push([name, capped]);
  }
  return { sha256, js: withoutJspiProbes(utf8.decode(js)), cores, imports: out.imports };
}
