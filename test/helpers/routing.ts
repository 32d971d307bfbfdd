import assert from 'node:assert/strict';
import { postJson, type TestGateway } from './gateway';

/** A system + user chat to mock-model, one output token. */
export function chat(system: string, user: string) {
  return {
    model: 'mock-model',
    max_tokens: 1,
    messages: [
      { role: 'system', content: system },
      { role: 'user', content: user },
    ],
  };
}

/** Sends chat(system, user) through the gateway; the worker id and route reason it reports. */
export async function routeChat(
  gw: TestGateway,
  system: string,
  user: string,
): Promise<{ worker: string; reason: string }> {
  const r = await postJson(`${gw.url}/v1/chat/completions`, chat(system, user));
  assert.equal(r.status, 200);
  await r.text();
  return {
    worker: r.headers.get('x-collie-worker') ?? '',
    reason: r.headers.get('x-collie-route-reason') ?? '',
  };
}

/** Worker URL by the id a gateway reports (ids are per instance). */
export async function workerUrl(gw: TestGateway, id: string): Promise<string> {
  const r = (await (await fetch(`${gw.url}/workers/${id}`)).json()) as { url: string };
  return r.url;
}
