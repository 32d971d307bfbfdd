/**
 * The one table of gateway error codes (snake_case, SMG's where SMG has one) with their
 * HTTP status and the envelope SMG uses for them (../shared/reference/smg-http-surface.md §1).
 * Every error response the gateway writes is one row; `errorReply` (gateway-error.ts) is the
 * only code that turns a row into bytes.
 *
 * Shapes:
 *  - router:    {"error":{"type":<reason phrase>,"code","message","param":null}} + X-SMG-Error-Code
 *  - validated: {"error":{"message","type":"invalid_request_error","code":"json_parse_error"}}
 *  - semantic:  {"error":{"message","type":"invalid_request_error","code":400}}
 *  - text:      plain-text body (axum extractor rejections, fallbacks, control-plane 403)
 *  - empty:     status only (route 404/405, data-plane 401, legacy admission 429/408/500)
 *  - auth:      plain text + `WWW-Authenticate: Bearer realm="control-plane"` (control-plane 401)
 *  - workers:   {"error":<message>,"code":<wire>} (workers API, §5.12; wire is UPPER_SNAKE)
 *  - tokenizer: {"error":{"message","type":<wire>}} (tokenize routes, tokenizer registry §7)
 *  - tokenizer_job:     {"id","status":"failed","message"} (POST /v1/tokenizers refusals)
 *  - tokenizer_removal: {"success":false,"message"} (DELETE /v1/tokenizers/{id})
 *  - parser:    {"error":<message>,"success":false} (/parse/*, §8)
 *  - wasm_body: {"error":<message>} (WASM middleware could not buffer the body, §5.9)
 *  - ha:        {"error":<message>} (/ha/*, §5.13)
 */
export const ERROR_SHAPES = [
  'router',
  'validated',
  'semantic',
  'text',
  'empty',
  'auth',
  'workers',
  'tokenizer',
  'tokenizer_job',
  'tokenizer_removal',
  'parser',
  'wasm_body',
  'ha',
] as const;

export type ErrorShape = (typeof ERROR_SHAPES)[number];

/** Shapes whose body names the error with a string other than the row's code. */
export type WireShape = 'workers' | 'tokenizer';

/**
 * A row's status: fixed, or 'from-error' where SMG answers one code with different statuses
 * (the GatewayError then has to be given its status).
 */
export type RowStatus = number | 'from-error';

export type ErrorRow =
  | { readonly status: RowStatus; readonly shape: Exclude<ErrorShape, WireShape> }
  /** `wire`: the string SMG puts in the body (workers: `code`; tokenizer: `error.type`). */
  | { readonly status: RowStatus; readonly shape: WireShape; readonly wire: string };

export const ERROR_CODES = {
  // routing (router envelope)
  model_not_found: { status: 404, shape: 'router' },
  no_available_workers: { status: 503, shape: 'router' },
  no_workers: { status: 503, shape: 'router' },
  missing_model: { status: 400, shape: 'router' },
  invalid_body: { status: 400, shape: 'router' },
  // upstream transport (collie maps connect/timeout/reset distinctly; SMG folds them into 500)
  call_upstream_connection_failed: { status: 502, shape: 'router' },
  call_upstream_timeout: { status: 504, shape: 'router' },
  call_upstream_request_failed: { status: 502, shape: 'router' },
  call_upstream_body_error: { status: 502, shape: 'router' },
  read_response_body_failed: { status: 500, shape: 'router' },
  rerank_response_build_failed: { status: 500, shape: 'router' },
  no_worker_response: { status: 502, shape: 'router' },
  /** GET/DELETE /v1/responses/{id}[/input_items]: nothing is stored in HTTP mode (§5.5). */
  not_found: { status: 404, shape: 'router' },
  /** Anything that is not a GatewayError: generic message, details only in the log. */
  internal_error: { status: 500, shape: 'router' },
  // ValidatedJson routes (chat, completions, rerank, messages, responses)
  json_parse_error: { status: 400, shape: 'validated' },
  validation_error: { status: 400, shape: 'semantic' },
  // Plain Json routes (generate, embeddings, classify, v1/rerank, workers, tokenizers…)
  json_syntax_error: { status: 400, shape: 'text' },
  json_data_error: { status: 422, shape: 'text' },
  unsupported_media_type: { status: 415, shape: 'text' },
  payload_too_large: { status: 413, shape: 'text' },
  request_header_too_large: { status: 431, shape: 'text' },
  // collie's body and memory bounds (flags-hardening.ts; SMG has none)
  request_body_timeout: { status: 408, shape: 'text' },
  pending_bodies_full: { status: 503, shape: 'text' },
  json_parse_budget_exceeded: { status: 503, shape: 'text' },
  // public routes' text fallbacks: /v1/models, /engine_metrics
  no_models: { status: 503, shape: 'text' },
  engine_metrics_no_workers: { status: 500, shape: 'text' },
  engine_metrics_failed: { status: 500, shape: 'text' },
  // routing table
  route_not_found: { status: 404, shape: 'empty' },
  method_not_allowed: { status: 405, shape: 'empty' },
  // CORS preflight from an origin not in --cors-allowed-origins
  cors_origin_not_allowed: { status: 403, shape: 'empty' },
  // auth (§2): data plane, shared key and deny-all are empty 401s; control plane is text
  unauthorized: { status: 401, shape: 'empty' },
  missing_authorization: { status: 401, shape: 'auth' },
  invalid_token: { status: 401, shape: 'auth' },
  invalid_jwt: { status: 401, shape: 'auth' },
  admin_required: { status: 403, shape: 'text' },
  // legacy admission (§9.1)
  admission_queue_full: { status: 429, shape: 'empty' },
  admission_queue_timeout: { status: 408, shape: 'empty' },
  admission_unavailable: { status: 500, shape: 'empty' },
  // priority scheduler (§9.2); the preempted reply adds Retry-After: 1 and X-SMG-Preempted: true
  scheduler_queue_full: { status: 429, shape: 'router' },
  scheduler_queue_timeout: { status: 408, shape: 'router' },
  scheduler_preempted: { status: 503, shape: 'router' },
  // workers API (§5.12)
  worker_not_found: { status: 404, shape: 'workers', wire: 'WORKER_NOT_FOUND' },
  invalid_worker_id: { status: 400, shape: 'workers', wire: 'BAD_REQUEST' },
  invalid_worker_url: { status: 400, shape: 'workers', wire: 'BAD_REQUEST' },
  worker_url_mismatch: { status: 400, shape: 'workers', wire: 'BAD_REQUEST' },
  worker_already_exists: { status: 409, shape: 'workers', wire: 'WORKER_ALREADY_EXISTS' },
  // tokenize routes (§5.6) and tokenizer registry (§7)
  /** 400 on /v1/tokenize and /v1/detokenize, 404 on GET /v1/tokenizers/{id} (SMG's both). */
  tokenizer_not_found: { status: 'from-error', shape: 'tokenizer', wire: 'tokenizer_not_found' },
  tokenizer_job_not_found: { status: 404, shape: 'tokenizer', wire: 'not_found' },
  /** collie's request limits on the tokenize routes (SMG has none). */
  request_too_large: { status: 413, shape: 'tokenizer', wire: 'request_too_large' },
  tokenize_failed: { status: 500, shape: 'tokenizer', wire: 'tokenization_error' },
  detokenize_failed: { status: 500, shape: 'tokenizer', wire: 'detokenization_error' },
  /** collie: an id outside the vocabulary is the client's fault (SMG: 500 or skipped). */
  invalid_token_ids: { status: 400, shape: 'tokenizer', wire: 'detokenization_error' },
  tokenizer_already_exists: { status: 409, shape: 'tokenizer_job' },
  tokenizer_queue_full: { status: 503, shape: 'tokenizer_job' },
  /** collie: empty name or source (SMG accepts them and fails later). */
  invalid_tokenizer_request: { status: 400, shape: 'tokenizer_job' },
  tokenizer_delete_not_found: { status: 404, shape: 'tokenizer_removal' },
  // parsers (§8)
  unknown_tool_parser: { status: 400, shape: 'parser' },
  unknown_reasoning_parser: { status: 400, shape: 'parser' },
  tool_call_parse_failed: { status: 400, shape: 'parser' },
  reasoning_parse_failed: { status: 400, shape: 'parser' },
  // WASM middleware and the /wasm API (§5.9)
  wasm_disabled: { status: 500, shape: 'empty' },
  wasm_invalid_module_id: { status: 400, shape: 'empty' },
  wasm_remove_failed: { status: 400, shape: 'text' },
  wasm_body_too_large: { status: 400, shape: 'wasm_body' },
  /** A module's reject(status): the status alone (SMG: an invalid status becomes 400). */
  wasm_rejected: { status: 'from-error', shape: 'empty' },
  // cluster over Redis (/ha/*, §5.13)
  mesh_not_enabled: { status: 503, shape: 'ha' },
  ha_not_found: { status: 404, shape: 'ha' },
  ha_bad_request: { status: 400, shape: 'ha' },
  /** collie: a write while Redis is unreachable (SMG's mesh had no such state). */
  ha_store_unavailable: { status: 503, shape: 'ha' },
  /** collie: the cluster-wide limit of POST /ha/rate-limit (Retry-After in seconds). */
  global_rate_limit_exceeded: { status: 429, shape: 'router' },
  /** SMG §9.3 (Retry-After in seconds). */
  tenant_rate_limit_exceeded: { status: 429, shape: 'router' },
  /** collie: the operator console's snapshot could not be built (the primary did not answer). */
  dashboard_unavailable: { status: 503, shape: 'router' },
  // PD disaggregation (§5.4): pair selection, info routes, re-wrapped leg failures
  server_selection_failed: { status: 503, shape: 'router' },
  no_prefill_servers: { status: 503, shape: 'router' },
  no_healthy_worker_pair: { status: 503, shape: 'router' },
  health_generate_failed: { status: 503, shape: 'router' },
  prefill_bad_request: { status: 400, shape: 'router' },
  prefill_not_found: { status: 404, shape: 'router' },
  prefill_internal_error: { status: 500, shape: 'router' },
  prefill_unavailable: { status: 503, shape: 'router' },
  prefill_bad_gateway: { status: 502, shape: 'router' },
  prefill_error: { status: 500, shape: 'router' },
  prefill_server_error: { status: 502, shape: 'router' },
  decode_bad_request: { status: 400, shape: 'router' },
  decode_not_found: { status: 404, shape: 'router' },
  decode_internal_error: { status: 500, shape: 'router' },
  decode_unavailable: { status: 503, shape: 'router' },
  decode_bad_gateway: { status: 502, shape: 'router' },
  decode_error: { status: 500, shape: 'router' },
  decode_server_error: { status: 502, shape: 'router' },
  // vLLM sequential PD (SMG's HTTP path): a failing prefill answer keeps its status
  prefill_upstream_error: { status: 'from-error', shape: 'router' },
  prefill_request_failed: { status: 502, shape: 'router' },
  decode_request_failed: { status: 502, shape: 'router' },
  /** 501 plain text of the routes PD mode does not serve (SMG's RouterTrait defaults). */
  pd_route_not_implemented: { status: 501, shape: 'text' },
  /** 501 plain text of RouterTrait defaults in any mode (/v1/interactions; cancel in PD). */
  not_implemented: { status: 501, shape: 'text' },
} as const satisfies Record<string, ErrorRow>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Codes whose status comes from the error instance. */
export type FromErrorCode = {
  [C in ErrorCode]: (typeof ERROR_CODES)[C]['status'] extends 'from-error' ? C : never;
}[ErrorCode];

export type FixedStatusCode = Exclude<ErrorCode, FromErrorCode>;

export function errorRow(code: ErrorCode): ErrorRow {
  return ERROR_CODES[code];
}

/** Canonical reason phrases (status line, and the router envelope's `type`). */
const REASON: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No Content',
  206: 'Partial Content',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function reasonPhrase(status: number): string {
  return REASON[status] ?? 'Unknown';
}
