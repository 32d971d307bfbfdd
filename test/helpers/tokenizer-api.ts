import { eventually } from './gateway';

export interface ApiResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: unknown;
}

/** One request to a gateway; JSON bodies are parsed when they parse. */
export async function api(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiResponse> {
  const r = await fetch(base + path, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await r.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: r.status, headers: r.headers, text, json };
}

/** POST /v1/tokenizers, then polls its status until it is no longer pending/processing. */
export async function registerTokenizer(
  base: string,
  name: string,
  source: string,
  headers: Record<string, string> = {},
  ms = 30_000,
): Promise<{ id: string; status: string; message: string; vocab_size?: number }> {
  const r = await api(base, 'POST', '/v1/tokenizers', { name, source }, headers);
  if (r.status !== 202) throw new Error(`register ${name}: ${r.status} ${r.text}`);
  const { id } = r.json as { id: string };
  let last: { id: string; status: string; message: string } | undefined;
  await eventually(async () => {
    const s = await api(base, 'GET', `/v1/tokenizers/${id}/status`, undefined, headers);
    last = s.json as { id: string; status: string; message: string };
    return last.status === 'completed' || last.status === 'failed';
  }, ms);
  return last as { id: string; status: string; message: string };
}
