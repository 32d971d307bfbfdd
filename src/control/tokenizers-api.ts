import { errorReply, GatewayError, type Reply } from '../errors/gateway-error';
import type { TokenizerRecord } from '../tokenizer/replica';
import type { TokenizerRegistry } from './tokenizer-registry';

/**
 * A /v1/tokenizers request as an ingress process hands it to the primary (control op
 * 'tokenizers'); `id` from the path, `status` for /{id}/status. The registry itself reaches
 * the ingress processes through replication (control op 'sync:tokenizers').
 */
export interface TokenizersCall {
  readonly kind: 'api';
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly id?: string;
  readonly status?: boolean;
  readonly body?: unknown;
}

const JSON_CT = [['content-type', 'application/json']] as const;

function json(status: number, body: unknown): Reply {
  return { status, headers: [...JSON_CT], body: JSON.stringify(body) };
}

/** axum's Json rejection for a body of the wrong shape (422, plain text). */
function shapeRejection(detail: string): Reply {
  return errorReply(
    new GatewayError(
      'json_data_error',
      `Failed to deserialize the JSON body into the target type: ${detail}`,
    ),
  );
}

function info(r: TokenizerRecord) {
  return { id: r.id, name: r.name, source: r.source, vocab_size: r.vocab_size };
}

/** serde-style type name of a JSON value, for 422 messages. */
export function serdeType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'sequence';
  if (typeof v === 'string') return `string ${JSON.stringify(v)}`;
  if (typeof v === 'number') {
    return Number.isInteger(v) ? `integer \`${v}\`` : `floating point \`${v}\``;
  }
  if (typeof v === 'boolean') return `boolean \`${v}\``;
  return typeof v === 'object' ? 'map' : typeof v;
}

interface AddTokenizerBody {
  readonly name: string;
  readonly source: string;
  readonly chat_template_path?: string;
}

function checkAddBody(body: unknown): AddTokenizerBody | string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return `invalid type: ${serdeType(body)}, expected struct AddTokenizerRequest`;
  }
  const o = body as Record<string, unknown>;
  for (const field of ['name', 'source'] as const) {
    if (!(field in o)) return `missing field \`${field}\``;
    if (typeof o[field] !== 'string')
      return `${field}: invalid type: ${serdeType(o[field])}, expected a string`;
  }
  const ct = o['chat_template_path'];
  if (ct !== undefined && ct !== null && typeof ct !== 'string') {
    return `chat_template_path: invalid type: ${serdeType(ct)}, expected a string`;
  }
  return {
    name: o['name'] as string,
    source: o['source'] as string,
    ...(typeof ct === 'string' ? { chat_template_path: ct } : {}),
  };
}

/** SMG's tokenizer registry API (§7) over the primary's registry. */
export function handleTokenizersCall(registry: TokenizerRegistry, call: TokenizersCall): Reply {
  if (call.id === undefined) {
    if (call.method === 'POST') return add(registry, call.body);
    return json(200, { tokenizers: registry.list().map(info) });
  }
  if (call.status) return status(registry, call.id);
  if (call.method === 'DELETE') {
    const removed = registry.remove(call.id);
    return removed
      ? json(200, { success: true, message: `Tokenizer '${removed.name}' removed successfully` })
      : errorReply(
          new GatewayError('tokenizer_delete_not_found', `Tokenizer '${call.id}' not found`),
        );
  }
  const r = registry.find(call.id);
  return r
    ? json(200, info(r))
    : errorReply(
        new GatewayError('tokenizer_not_found', `Tokenizer '${call.id}' not found`, {
          status: 404,
        }),
      );
}

function add(registry: TokenizerRegistry, body: unknown): Reply {
  const checked = checkAddBody(body);
  if (typeof checked === 'string') return shapeRejection(checked);
  // collie: names and sources must be non-empty (SMG accepts them and fails later or never)
  if (checked.name.trim() === '' || checked.source.trim() === '') {
    return errorReply(
      new GatewayError('invalid_tokenizer_request', 'Tokenizer name and source must not be empty'),
    );
  }
  const r = registry.submit(checked.name, checked.source, checked.chat_template_path);
  switch (r.kind) {
    case 'duplicate':
      return errorReply(
        new GatewayError('tokenizer_already_exists', `Tokenizer '${checked.name}' already exists`, {
          jobId: r.id,
        }),
      );
    case 'busy':
      return errorReply(
        new GatewayError(
          'tokenizer_queue_full',
          'Failed to submit tokenizer registration job: too many registrations in progress',
        ),
      );
    case 'accepted':
      return json(202, {
        id: r.id,
        status: 'pending',
        message: `Tokenizer '${checked.name}' registration job submitted. Loading from: ${checked.source}`,
      });
  }
}

function status(registry: TokenizerRegistry, id: string): Reply {
  const r = registry.find(id);
  if (r) {
    return json(200, {
      id: r.id,
      status: 'completed',
      message: `Tokenizer '${r.name}' is loaded and ready`,
      vocab_size: r.vocab_size,
    });
  }
  const job = registry.job(id);
  if (job) return json(200, { id: job.id, status: job.status, message: job.message });
  return errorReply(
    new GatewayError('tokenizer_job_not_found', `Tokenizer '${id}' not found and no pending job`),
  );
}
