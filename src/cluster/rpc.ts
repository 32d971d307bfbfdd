import type { IpcChannel } from '../state/ipc-bus';
import type { ControlOps } from './control-protocol';

/**
 * Request/response between an ingress process and the primary, generic over an op map
 * (op → { payload, result }), as `tokenizer/pool-messages.ts` is for threads. The transport
 * knows nothing of the ops: a protocol (`control-protocol.ts`) supplies typed handlers and
 * one payload guard per op. What must hold on the serving side:
 * - a request never throws into the event loop: an unknown op, a payload its guard rejects,
 *   a handler that throws or rejects, all become an error reply, and the server keeps serving;
 * - a malformed envelope (no numeric id) cannot be answered and is dropped.
 * In single-process mode the direct client runs the same server (same guards) in-process.
 */

export interface OpSpec {
  readonly payload: unknown;
  readonly result: unknown;
}
/** op name → its payload and result. A `type` (not an interface), so it has an index signature. */
export type OpMap = Readonly<Record<string, OpSpec>>;

/** Stable codes of RPC failures (the message is for logs). */
export const RPC_ERROR_CODES = [
  'rpc_unknown_op',
  'rpc_bad_payload',
  'rpc_failed',
  'rpc_timeout',
  'rpc_closed',
] as const;
export type RpcErrorCode = (typeof RPC_ERROR_CODES)[number];

export class RpcError extends Error {
  readonly code: RpcErrorCode;
  constructor(code: RpcErrorCode, message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = 'RpcError';
    this.code = code;
  }
}

export interface RpcClient<Ops extends OpMap = ControlOps> {
  call<K extends keyof Ops & string>(
    op: K,
    payload: Ops[K]['payload'],
    timeoutMs?: number,
  ): Promise<Ops[K]['result']>;
  /** Rejects every pending call with `rpc_closed`; later calls reject at once. */
  close(): void;
}

/** One handler per op: a missing op is a compile error. */
export type RpcHandlers<Ops extends OpMap> = {
  readonly [K in keyof Ops]: (
    payload: Ops[K]['payload'],
    peer: string,
  ) => Promise<Ops[K]['result']>;
};

/** Checks a payload that crossed a process boundary. */
export interface PayloadGuard<T> {
  is(v: unknown): v is T;
  /** Why `v` was rejected (for the error reply). */
  why(v: unknown): string;
}
export type PayloadGuards<Ops extends OpMap> = {
  readonly [K in keyof Ops]: PayloadGuard<Ops[K]['payload']>;
};

/** The serving side: validated, typed dispatch of one request. */
export interface RpcServer<Ops extends OpMap = ControlOps> {
  /** Settles with the handler's result, or rejects with an RpcError; never throws. */
  serve(op: string, payload: unknown, peer: string): Promise<unknown>;
  /** The same, for a caller that already holds a typed op (the direct client). */
  dispatch<K extends keyof Ops & string>(
    op: K,
    payload: unknown,
    peer: string,
  ): Promise<Ops[K]['result']>;
}

export function createRpcServer<Ops extends OpMap>(
  handlers: RpcHandlers<Ops>,
  guards: PayloadGuards<Ops>,
): RpcServer<Ops> {
  const isOp = (op: string): op is keyof Ops & string => Object.hasOwn(handlers, op);
  function dispatch<K extends keyof Ops & string>(
    op: K,
    payload: unknown,
    peer: string,
  ): Promise<Ops[K]['result']> {
    const guard = guards[op];
    if (!guard.is(payload)) {
      const why = guard.why(payload);
      return Promise.reject(new RpcError('rpc_bad_payload', `malformed '${op}' payload: ${why}`));
    }
    // a handler that throws synchronously rejects instead; every failure is an RpcError
    return new Promise<Ops[K]['result']>((resolve) => resolve(handlers[op](payload, peer))).catch(
      (err: unknown) => Promise.reject(toRpcError(err)),
    );
  }
  return {
    dispatch,
    serve(op, payload, peer) {
      if (isOp(op)) return dispatch(op, payload, peer);
      const name: string = op;
      return Promise.reject(
        new RpcError('rpc_unknown_op', `unknown control-plane operation '${name}'`),
      );
    },
  };
}

const REQ = 'collie:rpc';
const RES = 'collie:rpc-reply';

interface RpcRequest {
  readonly tag: typeof REQ;
  readonly id: number;
  readonly op: string;
  readonly payload: unknown;
}
type RpcResponse =
  | { readonly tag: typeof RES; readonly id: number; readonly ok: true; readonly value: unknown }
  | {
      readonly tag: typeof RES;
      readonly id: number;
      readonly ok: false;
      readonly code: RpcErrorCode;
      readonly error: string;
    };

function field(v: unknown, key: string): unknown {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined;
}

function isErrorCode(v: unknown): v is RpcErrorCode {
  return (RPC_ERROR_CODES as readonly unknown[]).includes(v);
}

function toRpcError(err: unknown): RpcError {
  if (err instanceof RpcError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new RpcError('rpc_failed', message, { cause: err });
}

/** In-process client (single-process mode): the same server, guards included. */
export function createDirectRpc<Ops extends OpMap = ControlOps>(
  server: RpcServer<Ops>,
  peer = 'local',
): RpcClient<Ops> {
  let closed = false;
  return {
    call: (op, payload) =>
      closed
        ? Promise.reject(new RpcError('rpc_closed', 'rpc channel closed'))
        : server.dispatch(op, payload, peer),
    close: () => void (closed = true),
  };
}

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
  readonly timer: NodeJS.Timeout;
}

export function createIpcRpcClient<Ops extends OpMap = ControlOps>(
  channel: IpcChannel,
): RpcClient<Ops> {
  let next = 1;
  let closed = false;
  const pending = new Map<number, Pending>();
  const onMessage = (m: unknown): void => {
    if (field(m, 'tag') !== RES) return;
    const id = field(m, 'id');
    const p = typeof id === 'number' ? pending.get(id) : undefined;
    if (!p || typeof id !== 'number') return;
    pending.delete(id);
    clearTimeout(p.timer);
    if (field(m, 'ok') === true) p.resolve(field(m, 'value'));
    else {
      const code = field(m, 'code');
      const error = field(m, 'error');
      p.reject(
        new RpcError(
          isErrorCode(code) ? code : 'rpc_failed',
          typeof error === 'string' ? error : 'rpc failed',
        ),
      );
    }
  };
  channel.on('message', onMessage);
  return {
    call<K extends keyof Ops & string>(
      op: K,
      payload: Ops[K]['payload'],
      timeoutMs = 30_000,
    ): Promise<Ops[K]['result']> {
      if (closed || channel.isConnected?.() === false) {
        return Promise.reject(new RpcError('rpc_closed', 'rpc channel closed'));
      }
      const id = next++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new RpcError('rpc_timeout', `control-plane call '${op}' timed out`));
        }, timeoutMs);
        // A reply is trusted to match its op (unchecked): the primary answered it with the
        // handler typed by the same op map, in the same build.
        pending.set(id, { resolve, reject, timer });
        channel.send({ tag: REQ, id, op, payload } satisfies RpcRequest);
      });
    },
    close() {
      closed = true;
      channel.off('message', onMessage);
      for (const p of pending.values()) {
        clearTimeout(p.timer);
        p.reject(new RpcError('rpc_closed', 'rpc channel closed'));
      }
      pending.clear();
    },
  };
}

/** Primary side: answers requests arriving on one child's channel; returns the stop function. */
export function serveRpc<Ops extends OpMap>(
  channel: IpcChannel,
  peer: string,
  server: RpcServer<Ops>,
): () => void {
  const reply = (r: RpcResponse): void => {
    if (channel.isConnected?.() === false) return;
    try {
      channel.send(r);
    } catch (err) {
      // an unserialisable value: the caller still gets an answer
      if (r.ok) reply({ tag: RES, id: r.id, ok: false, ...fail(toRpcError(err)) });
    }
  };
  const onMessage = (m: unknown): void => {
    if (field(m, 'tag') !== REQ) return;
    const id = field(m, 'id');
    if (typeof id !== 'number') return; // cannot be answered
    const op = field(m, 'op');
    const result =
      typeof op === 'string'
        ? server.serve(op, field(m, 'payload'), peer)
        : Promise.reject(new RpcError('rpc_unknown_op', 'control-plane request without an op'));
    result.then(
      (value) => reply({ tag: RES, id, ok: true, value }),
      (err: unknown) => reply({ tag: RES, id, ok: false, ...fail(toRpcError(err)) }),
    );
  };
  channel.on('message', onMessage);
  return () => channel.off('message', onMessage);
}

function fail(e: RpcError): { code: RpcErrorCode; error: string } {
  return { code: e.code, error: e.message };
}
