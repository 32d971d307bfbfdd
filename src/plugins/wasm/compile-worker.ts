import { parentPort } from 'node:worker_threads';
import { compileComponent } from './compile';
import { toWire } from './wire';

/**
 * The primary's compile thread: jco transpiles a component here, so a large module never
 * stalls the primary's event loop (admission, health checks, IPC). One request at a time.
 */
parentPort?.on('message', (m: { id: number; bytes: Uint8Array; sha256: string }) => {
  compileComponent(m.bytes, m.sha256).then(
    (a) => parentPort?.postMessage({ id: m.id, ok: true, artifact: toWire(a) }),
    (err: unknown) =>
      parentPort?.postMessage({
        id: m.id,
        ok: false,
        error: err instanceof Error ? err.message : String(err),
      }),
  );
});
