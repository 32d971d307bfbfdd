import { parentPort, workerData } from 'node:worker_threads';
import type { FromHost, ToHost } from './host-messages';
import { webAssembly, type CoreModule } from './webassembly';
import type { Hook, WasmAction, WasmArtifact, WasmRequest, WasmResponse } from './types';

/**
 * The WASM host thread of one ingress process. It holds each module's compiled core modules
 * and jco glue, and runs every call on a fresh component instance (SMG instantiates per call,
 * so no state survives between calls). The next instance of a module is built right after a
 * call, while the thread is idle, so a call normally pays only the call itself. A call that
 * runs too long is not stopped here: the ingress process terminates this thread.
 */

interface Exports {
  readonly middlewareOnRequest: { onRequest(r: WasmRequest): WasmAction };
  readonly middlewareOnResponse: { onResponse(r: WasmResponse): WasmAction };
}
type Instantiate = (
  getCoreModule: (name: string) => CoreModule,
  imports: Record<string, unknown>,
) => Exports;

interface Loaded {
  readonly instantiate: () => Exports;
  /** Fresh, never-called instances built while the thread was idle. */
  readonly ready: Exports[];
  refilling: boolean;
}

/**
 * Instances kept ready per module: a request runs a module twice (OnRequest, OnResponse)
 * within about a millisecond, and building one takes about as long.
 */
const READY = 2;

const modules = new Map<string, Loaded>();
/** --wasm-reuse-instances: one instance per module serves every call (state may persist). */
const reuse = (workerData as { reuse?: boolean } | undefined)?.reuse === true;
let wasiImports: Promise<Record<string, unknown>> | undefined;

/**
 * Sandboxed WASI: no preopened directories, no environment, no arguments, no working
 * directory, no network; stdin is empty and stdout/stderr go to the thread's own streams,
 * which the ingress side captures (see WasmHost).
 */
async function wasi(): Promise<Record<string, unknown>> {
  const { WASIShim } = (await import('@bytecodealliance/preview2-shim/instantiation')) as {
    WASIShim: new (o: unknown) => { getImportObject(): Record<string, unknown> };
  };
  const shim = new WASIShim({
    sandbox: { preopens: {}, env: {}, args: [], enableNetwork: false },
  });
  const imports = shim.getImportObject();
  const env = imports['wasi:cli/environment'] as Record<string, unknown>;
  // the sandbox keeps the gateway's own working directory: a module is not told it
  imports['wasi:cli/environment'] = { ...env, initialCwd: () => undefined };
  return imports;
}

async function load(a: WasmArtifact): Promise<void> {
  const cores = new Map<string, CoreModule>();
  for (const [name, bytes] of a.cores) cores.set(name, new webAssembly.Module(bytes));
  const url = `data:text/javascript;base64,${Buffer.from(a.js).toString('base64')}`;
  const glue = (await import(url)) as { instantiate: Instantiate };
  const imports = a.imports.length > 0 ? await (wasiImports ??= wasi()) : {};
  const getCore = (name: string): CoreModule => {
    const m = cores.get(name);
    if (!m) throw new Error(`unknown core module ${name}`);
    return m;
  };
  const loaded: Loaded = {
    instantiate: () => glue.instantiate(getCore, imports),
    ready: [],
    refilling: false,
  };
  loaded.ready.push(loaded.instantiate()); // instantiation errors surface at load
  modules.set(a.sha256, loaded);
  refill(a.sha256, loaded);
}

/** Tops the module's ready instances up, one per turn, so calls can run in between. */
function refill(sha256: string, m: Loaded): void {
  if (m.refilling) return;
  m.refilling = true;
  const step = (): void => {
    if (modules.get(sha256) !== m || m.ready.length >= READY) {
      m.refilling = false;
      return;
    }
    try {
      m.ready.push(m.instantiate());
    } catch {
      m.refilling = false; // the next call instantiates (and reports) itself
      return;
    }
    setImmediate(step);
  };
  setImmediate(step);
}

function call(sha256: string, hook: Hook, input: WasmRequest | WasmResponse): WasmAction {
  const m = modules.get(sha256);
  if (!m) throw new Error(`module ${sha256} is not loaded`);
  if (m.ready.length === 0) m.ready.push(m.instantiate());
  const inst = (reuse ? m.ready[0] : m.ready.shift()) as Exports;
  if (!reuse) refill(sha256, m); // the next calls' fresh instances are built once this one answered
  try {
    return hook === 'OnRequest'
      ? inst.middlewareOnRequest.onRequest(input as WasmRequest)
      : inst.middlewareOnResponse.onResponse(input as WasmResponse);
  } catch (err) {
    if (reuse && m.ready[0] === inst) m.ready.shift(); // never reuse a trapped instance
    throw err;
  }
}

const port = parentPort;
const send = (m: FromHost): void => port?.postMessage(m);
const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Loads in progress: a call that arrives meanwhile (after a thread restart) waits for it. */
const loading = new Map<string, Promise<void>>();

function runCall(m: Extract<ToHost, { op: 'call' }>): void {
  try {
    send({ op: 'result', id: m.id, action: call(m.sha256, m.hook, m.input) });
  } catch (err) {
    send({ op: 'failed', id: m.id, error: message(err) });
  }
}

port?.on('message', (m: ToHost) => {
  switch (m.op) {
    case 'load': {
      const sha = m.artifact.sha256;
      const p = load(m.artifact);
      loading.set(sha, p);
      const done = (): void => {
        if (loading.get(sha) === p) loading.delete(sha);
      };
      p.then(done, done);
      p.then(
        () => send({ op: 'loaded', sha256: m.artifact.sha256 }),
        (err: unknown) => send({ op: 'loaded', sha256: m.artifact.sha256, error: message(err) }),
      );
      return;
    }
    case 'unload':
      modules.delete(m.sha256);
      return;
    case 'call': {
      const pending = modules.has(m.sha256) ? undefined : loading.get(m.sha256);
      if (pending)
        pending.then(
          () => runCall(m),
          () => runCall(m),
        );
      else runCall(m);
    }
  }
});
