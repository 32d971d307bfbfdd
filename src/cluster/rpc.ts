import type { IpcChannel } from '../state/ipc-bus';

/**
 * Request/response between an ingress process and the primary (control-plane operations
 * such as the workers API, whose state the primary owns). In single-process mode the
 * handler is called directly.
 */
export type RpcHandler = (op: string, payload: unknown, peer: string) => Promise<unknown>;

export interface RpcClient {
  call(op: string, payload: unknown, timeoutMs?: number): Promise<unknown>;
  close(): void;
}

const REQ = 'collie:rpc';
const RES = 'collie:rpc-reply';

interface RpcRequest {
  tag: typeof REQ;
  id: number;
  op: string;
  payload: unknown;
}
interface RpcResponse {
  tag: typeof RES;
  id: number;
  ok: boolean;
  value?: unknown;
  error?: string;
}

function isTagged<T extends { tag: string }>(v: unknown, tag: string): v is T {
  return typeof v === 'object' && v !== null && (v as { tag?: unknown }).tag === tag;
}

export function createDirectRpc(handler: RpcHandler, peer = 'local'): RpcClient {
  return { call: (op, payload) => handler(op, payload, peer), close: () => undefined };
}

export function createIpcRpcClient(channel: IpcChannel): RpcClient {
  let next = 1;
  const pending = new Map<
    number,
    { resolve(v: unknown): void; reject(e: Error): void; timer: NodeJS.Timeout }
  >();
  const onMessage = (m: unknown): void => {
    if (!isTagged<RpcResponse>(m, RES)) return;
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    clearTimeout(p.timer);
    if (m.ok) p.resolve(m.value);
    else p.reject(new Error(m.error ?? 'rpc failed'));
  };
  channel.on('message', onMessage);
  return {
    call(op, payload, timeoutMs = 30_000) {
      const id = next++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`control-plane call '${op}' timed out`));
        }, timeoutMs);
        pending.set(id, { resolve, reject, timer });
        channel.send({ tag: REQ, id, op, payload } satisfies RpcRequest);
      });
    },
    close() {
      channel.off('message', onMessage);
      for (const p of pending.values()) {
        clearTimeout(p.timer);
        p.reject(new Error('rpc channel closed'));
      }
      pending.clear();
    },
  };
}

/** Primary side: answers requests arriving on one child's channel. */
export function serveRpc(channel: IpcChannel, peer: string, handler: RpcHandler): () => void {
  const reply = (r: RpcResponse): void => {
    if (channel.isConnected?.() !== false) channel.send(r);
  };
  const onMessage = (m: unknown): void => {
    if (!isTagged<RpcRequest>(m, REQ)) return;
    handler(m.op, m.payload, peer).then(
      (value) => reply({ tag: RES, id: m.id, ok: true, value } satisfies RpcResponse),
      (err: unknown) =>
        reply({
          tag: RES,
          id: m.id,
          ok: false,
          error: err instanceof Error ? err.message : String(err),
        } satisfies RpcResponse),
    );
  };
  channel.on('message', onMessage);
  return () => channel.off('message', onMessage);
}
