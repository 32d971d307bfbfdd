import { errorReply, GatewayError, type Reply } from '../../errors/gateway-error';
import { serdeType } from '../../control/tokenizers-api';
import type { ModuleDescriptor, WasmRegistry } from './registry';
import { ATTACH_POINTS, type AttachPoint, type WasmModuleRecord } from './types';

/**
 * A /wasm request as an ingress process hands it to the primary (control op 'wasm'); `id`
 * is the DELETE path's module id, already parsed as a UUID (hyphenated, lower case).
 */
export interface WasmCall {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly id?: string;
  readonly body?: unknown;
}

const JSON_CT = [['content-type', 'application/json']] as const;
const json = (status: number, body: unknown): Reply => ({
  status,
  headers: [...JSON_CT],
  body: JSON.stringify(body),
});

/** axum's Json rejection for a body of the wrong shape (422, plain text). */
const shapeRejection = (detail: string): Reply =>
  errorReply(
    new GatewayError(
      'json_data_error',
      `Failed to deserialize the JSON body into the target type: ${detail}`,
    ),
  );

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** serde's messages for one externally tagged `{"Middleware":"OnRequest"}`. */
function checkAttachPoint(v: unknown, at: string): AttachPoint | string {
  if (!isObject(v))
    return `${at}: invalid type: ${serdeType(v)}, expected enum WasmModuleAttachPoint`;
  const keys = Object.keys(v);
  if (keys.length !== 1 || keys[0] !== 'Middleware') {
    return `${at}: unknown variant \`${keys[0] ?? ''}\`, expected \`Middleware\``;
  }
  const p = v['Middleware'];
  if (typeof p !== 'string')
    return `${at}: invalid type: ${serdeType(p)}, expected enum MiddlewareAttachPoint`;
  const point = ATTACH_POINTS.find((a) => a === p);
  if (!point) {
    return `${at}: unknown variant \`${p}\`, expected one of \`OnRequest\`, \`OnResponse\`, \`OnError\``;
  }
  return { Middleware: point };
}

function checkDescriptor(v: unknown, at: string): ModuleDescriptor | string {
  if (!isObject(v))
    return `${at}: invalid type: ${serdeType(v)}, expected struct WasmModuleDescriptor`;
  for (const f of ['name', 'file_path', 'module_type', 'attach_points'] as const) {
    if (!(f in v)) return `${at}: missing field \`${f}\``;
  }
  for (const f of ['name', 'file_path'] as const) {
    if (typeof v[f] !== 'string')
      return `${at}.${f}: invalid type: ${serdeType(v[f])}, expected a string`;
  }
  const type = v['module_type'];
  if (type !== 'Middleware') {
    return typeof type === 'string'
      ? `${at}.module_type: unknown variant \`${type}\`, expected \`Middleware\``
      : `${at}.module_type: invalid type: ${serdeType(type)}, expected enum WasmModuleType`;
  }
  const points = v['attach_points'];
  if (!Array.isArray(points)) {
    return `${at}.attach_points: invalid type: ${serdeType(points)}, expected a sequence`;
  }
  const attach: AttachPoint[] = [];
  for (const [j, p] of points.entries()) {
    const r = checkAttachPoint(p, `${at}.attach_points[${j}]`);
    if (typeof r === 'string') return r;
    attach.push(r);
  }
  const result = v['add_result'];
  if (result !== undefined && result !== null) {
    const ok =
      isObject(result) &&
      Object.keys(result).length === 1 &&
      (typeof result['Success'] === 'string' || typeof result['Error'] === 'string');
    if (!ok)
      return `${at}.add_result: invalid type: ${serdeType(result)}, expected enum WasmModuleAddResult`;
  }
  return { name: v['name'] as string, file_path: v['file_path'] as string, attach_points: attach };
}

export function checkAddBody(body: unknown): ModuleDescriptor[] | string {
  if (!isObject(body))
    return `invalid type: ${serdeType(body)}, expected struct WasmModuleAddRequest`;
  if (!('modules' in body)) return 'missing field `modules`';
  const modules = body['modules'];
  if (!Array.isArray(modules))
    return `modules: invalid type: ${serdeType(modules)}, expected a sequence`;
  const out: ModuleDescriptor[] = [];
  for (const [i, m] of modules.entries()) {
    const d = checkDescriptor(m, `modules[${i}]`);
    if (typeof d === 'string') return d;
    out.push(d);
  }
  return out;
}

/** SMG prints timestamps as RFC 3339 with nanoseconds. */
function rfc3339(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0');
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, `.${frac}Z`);
}

function moduleJson(registry: WasmRegistry, r: WasmModuleRecord): unknown {
  const a = registry.accessOf(r.uuid);
  const created = BigInt(r.createdNs);
  return {
    module_uuid: r.uuid,
    module_meta: {
      name: r.name,
      file_path: r.filePath,
      sha256_hash: r.sha256,
      size_bytes: r.sizeBytes,
      created_at: rfc3339(created),
      last_accessed_at: rfc3339(a ? BigInt(a.lastMs) * 1_000_000n : created),
      access_count: a?.count ?? 0,
      attach_points: r.attachPoints,
    },
  };
}

function list(registry: WasmRegistry): Reply {
  const m = registry.metrics;
  return json(200, {
    modules: registry.list().map((r) => moduleJson(registry, r)),
    metrics: {
      total_executions: m.total,
      successful_executions: m.success,
      failed_executions: m.failed,
      total_execution_time_ms: Math.round(m.totalMs),
      max_execution_time_ms: Math.round(m.maxMs),
      ...(m.total > 0 ? { average_execution_time_ms: m.totalMs / m.total } : {}),
    },
  });
}

/** POST /wasm: modules one after the other (as SMG's job queue), 200 only if all succeeded. */
async function add(registry: WasmRegistry, body: unknown): Promise<Reply> {
  const checked = checkAddBody(body);
  if (typeof checked === 'string') return shapeRejection(checked);
  let status = 200;
  const modules: unknown[] = [];
  for (const d of checked) {
    const r = await registry.add(d);
    if (!r.ok) status = 400;
    modules.push({
      name: d.name,
      file_path: d.file_path,
      module_type: 'Middleware',
      attach_points: d.attach_points,
      add_result: r.ok ? { Success: r.uuid } : { Error: r.error },
    });
  }
  return json(status, { modules });
}

/** SMG's /wasm API (§5.9) over the primary's registry. */
export async function handleWasmCall(registry: WasmRegistry, call: WasmCall): Promise<Reply> {
  switch (call.method) {
    case 'GET':
      return list(registry);
    case 'POST':
      return add(registry, call.body);
    case 'DELETE': {
      const error = await registry.remove(call.id ?? '');
      if (error !== undefined) return errorReply(new GatewayError('wasm_remove_failed', error));
      return {
        status: 200,
        headers: [['content-type', 'text/plain; charset=utf-8']],
        body: 'Module removed successfully',
      };
    }
  }
}

const UUID_HEX = /^[0-9a-f]{32}$/i;

/** Rust's `Uuid::parse_str`: hyphenated, simple, braced or URN; undefined if none. */
export function parseUuid(raw: string): string | undefined {
  let s = raw;
  if (/^urn:uuid:/i.test(s)) s = s.slice(9);
  else if (s.startsWith('{') && s.endsWith('}')) s = s.slice(1, -1);
  let hex: string;
  if (s.length === 36) {
    if (![8, 13, 18, 23].every((i) => s[i] === '-')) return undefined;
    hex = s.replace(/-/g, '');
  } else if (s.length === 32) hex = s;
  else return undefined;
  if (!UUID_HEX.test(hex)) return undefined;
  const h = hex.toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
