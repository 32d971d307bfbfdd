/**
 * The one table of gateway error codes (SMG's snake_case strings) with their HTTP status
 * and the envelope SMG uses for them. See ../shared/reference/smg-http-surface.md §1.
 *
 * Shapes:
 *  - router:    {"error":{"type":<reason phrase>,"code","message","param":null}} + X-SMG-Error-Code
 *  - validated: {"error":{"message","type":"invalid_request_error","code":"json_parse_error"}}
 *  - semantic:  {"error":{"message","type":"invalid_request_error","code":400}}
 *  - text:      plain-text body (axum extractor rejections, probes)
 *  - empty:     status only (route 404/405, data-plane 401)
 */
export type ErrorShape = 'router' | 'validated' | 'semantic' | 'text' | 'empty';

export const ERROR_CODES = {
  // routing
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
  internal_error: { status: 500, shape: 'router' },
  // ValidatedJson routes (chat, completions, rerank, messages, responses)
  json_parse_error: { status: 400, shape: 'validated' },
  validation_error: { status: 400, shape: 'semantic' },
  // Plain Json routes (generate, embeddings, classify, v1/rerank): axum text rejections
  json_syntax_error: { status: 400, shape: 'text' },
  json_data_error: { status: 422, shape: 'text' },
  unsupported_media_type: { status: 415, shape: 'text' },
  payload_too_large: { status: 413, shape: 'text' },
  request_header_too_large: { status: 431, shape: 'text' },
  // routing table
  route_not_found: { status: 404, shape: 'empty' },
  method_not_allowed: { status: 405, shape: 'empty' },
} as const satisfies Record<string, { status: number; shape: ErrorShape }>;

export type ErrorCode = keyof typeof ERROR_CODES;

const REASON: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
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
