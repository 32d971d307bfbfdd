import { Type as T, type Static, type TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { AdmissionResult } from '../resilience/admission';
import type { Reply } from '../errors/gateway-error';
import type { WorkersCall } from '../control/workers-api';
import type { TokenizersCall } from '../control/tokenizers-api';
import { HA_OPS, type HaCall } from '../ha/ha-api';
import type { OutcomeBatch } from '../core/outcome-reporter';
import type { TokenizerRecord } from '../tokenizer/replica';
import type { SyncRequest, Versioned } from './replicated';
import type { WasmCall } from '../plugins/wasm/api';
import type { WasmArtifactWire } from '../plugins/wasm/wire';
import type { WasmModuleRecord, WasmStatsDelta } from '../plugins/wasm/types';
import { PRIORITY_CLASSES, type PriorityClass } from '../priority/classes';
import type { SchedOutcome } from '../priority/core';
import type { PreemptEvent } from '../priority/service';
import {
  createRpcServer,
  type PayloadGuard,
  type PayloadGuards,
  type RpcClient,
  type RpcHandlers,
  type RpcServer,
} from './rpc';

/**
 * The control protocol between ingress processes and the primary (which owns admission,
 * the registries and the circuit breakers): op → { payload, result }. Payloads are checked
 * at the primary against the schemas below before a handler sees them.
 *
 * Adding an op: an entry here, its schema in `GUARDS`, its handler in the control plane —
 * the compiler names whichever is missing.
 */
export type ControlOps = {
  /** Instance-wide admission: a token, or why not. `ticket` is unique within the process. */
  admit: { payload: Ticket; result: AdmissionResult };
  /** The client of a queued `admit` left: drop it from the queue. */
  'admit-cancel': { payload: Ticket; result: null };
  /** Returns one token this process holds. */
  release: { payload: null; result: null };
  /** Priority scheduler (no --redis-url): a slot for the request, or why not. */
  'sched-admit': { payload: { ticket: string; cls: PriorityClass }; result: SchedOutcome };
  /** The client of a queued (or just admitted) request left. */
  'sched-cancel': { payload: Ticket; result: null };
  /** The request ended: its slot returns. */
  'sched-release': { payload: Ticket; result: null };
  /** A preemption request came after the request's first byte: it keeps its slot. */
  'sched-decline': { payload: Ticket; result: null };
  /** Long poll: the next preemption requests for this process (empty after ~20 s). */
  'sched-events': { payload: null; result: PreemptEvent[] };
  /** A /workers request, answered by the workers API in the primary. */
  workers: { payload: WorkersCall; result: Reply };
  /** A /v1/tokenizers request, answered by the tokenizer registry API. */
  tokenizers: { payload: TokenizersCall; result: Reply };
  /** Request outcomes per worker for the circuit breakers. */
  'cb-outcomes': { payload: OutcomeBatch; result: null };
  /** A /ha/* request, answered by the cluster service (ha/ha-api.ts). */
  ha: { payload: HaCall; result: Reply };
  /** Replication of the tokenizer registry (see replicated.ts). */
  'sync:tokenizers': { payload: SyncRequest; result: Versioned<readonly TokenizerRecord[]> };
  /** A /wasm request, answered by the WASM module registry. */
  wasm: { payload: WasmCall; result: Reply };
  /** Replication of the WASM module list (artifacts are fetched by hash). */
  'sync:wasm': { payload: SyncRequest; result: Versioned<readonly WasmModuleRecord[]> };
  /** A registered module's transpiled artifact by SHA-256 (null once it is gone). */
  'wasm-artifact': { payload: { sha256: string }; result: WasmArtifactWire | null };
  /** An ingress process's WASM execution counters since its last report. */
  'wasm-stats': { payload: WasmStatsDelta; result: null };
  /** The operator console's snapshot (JSON text, shared by every caller within a tick). */
  dashboard: { payload: null; result: string };
};

export type ControlOp = keyof ControlOps;
export type ControlClient = RpcClient<ControlOps>;
export type ControlHandlers = RpcHandlers<ControlOps>;
export type ControlServer = RpcServer<ControlOps>;
/** A typed control-plane call (an ingress process's client's `call`). */
export type ControlCall = ControlClient['call'];

const TicketSchema = T.Object({ ticket: T.String({ maxLength: 4096 }) });
type Ticket = Static<typeof TicketSchema>;

const Method = <M extends string>(methods: readonly M[]) =>
  T.Union(methods.map((m) => T.Literal(m)));

const WorkersCallSchema = T.Object({
  method: Method(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const),
  id: T.Optional(T.String()),
  query: T.String(),
  body: T.Optional(T.Unknown()),
});

const TokenizersCallSchema = T.Object({
  kind: T.Literal('api'),
  method: Method(['GET', 'POST', 'DELETE'] as const),
  id: T.Optional(T.String()),
  status: T.Optional(T.Boolean()),
  body: T.Optional(T.Unknown()),
});

const HaCallSchema = T.Object({
  op: Method(HA_OPS),
  arg: T.Optional(T.String({ maxLength: 4096 })),
  body: T.Optional(T.Unknown()),
  loads: T.Optional(T.Record(T.String(), T.Number())),
});

/** 'S' success, 'F' failure, in order, per worker id. */
const OutcomeBatchSchema = T.Record(T.String(), T.String({ pattern: '^[SF]*$' }));

const WasmCallSchema = T.Object({
  method: Method(['GET', 'POST', 'DELETE'] as const),
  id: T.Optional(T.String()),
  body: T.Optional(T.Unknown()),
});

const WasmStatsSchema = T.Object({
  total: T.Number({ minimum: 0 }),
  success: T.Number({ minimum: 0 }),
  failed: T.Number({ minimum: 0 }),
  totalMs: T.Number({ minimum: 0 }),
  maxMs: T.Number({ minimum: 0 }),
  modules: T.Record(T.String(), T.Tuple([T.Number({ minimum: 0 }), T.Number({ minimum: 0 })])),
});

const SyncRequestSchema = T.Object({ since: T.Optional(T.Integer({ minimum: 0 })) });

/** A compiled TypeBox check as a payload guard (the first error names the field). */
function guardOf<S extends TSchema>(schema: S): PayloadGuard<Static<S>> {
  const check = TypeCompiler.Compile(schema);
  return {
    is: (v): v is Static<S> => check.Check(v),
    why(v) {
      const e = check.Errors(v).First();
      return e ? `${e.path || '/'}: ${e.message}` : 'invalid';
    },
  };
}

/**
 * One guard per op. Each is typed by the op's payload, so a schema that drifts from the
 * payload type (say, a new required field of WorkersCall) does not compile.
 */
const GUARDS: PayloadGuards<ControlOps> = {
  admit: guardOf(TicketSchema),
  'admit-cancel': guardOf(TicketSchema),
  release: guardOf(T.Null()),
  'sched-admit': guardOf(
    T.Object({
      ticket: T.String({ maxLength: 4096 }),
      cls: T.Union(PRIORITY_CLASSES.map((c) => T.Literal(c))),
    }),
  ),
  'sched-cancel': guardOf(TicketSchema),
  'sched-release': guardOf(TicketSchema),
  'sched-decline': guardOf(TicketSchema),
  'sched-events': guardOf(T.Null()),
  workers: guardOf(WorkersCallSchema),
  tokenizers: guardOf(TokenizersCallSchema),
  'cb-outcomes': guardOf(OutcomeBatchSchema),
  ha: guardOf(HaCallSchema),
  'sync:tokenizers': guardOf(SyncRequestSchema),
  wasm: guardOf(WasmCallSchema),
  'sync:wasm': guardOf(SyncRequestSchema),
  'wasm-artifact': guardOf(T.Object({ sha256: T.String({ pattern: '^[0-9a-f]{64}$' }) })),
  'wasm-stats': guardOf(WasmStatsSchema),
  dashboard: guardOf(T.Null()),
};

/** The primary's side of the protocol: handlers behind the payload guards. */
export function createControlServer(handlers: ControlHandlers): ControlServer {
  return createRpcServer(handlers, GUARDS);
}
