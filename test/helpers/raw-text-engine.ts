/**
 * A test-local OpenAI-compatible engine that answers /v1/chat/completions with raw model text
 * (markers and all), as llama.cpp without a template would: the text is the last message's
 * content, echoed. Streamed answers split it into `x-fake-chunk`-sized pieces (default 3) and
 * write each SSE event in two halves, so the gateway sees events cut at arbitrary bytes.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RawTextEngine {
  readonly url: string;
  /** Request bodies received on /v1/chat/completions. */
  readonly bodies: Record<string, unknown>[];
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of req) parts.push(c as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

function lastContent(body: Record<string, unknown>): string {
  const messages = Array.isArray(body['messages']) ? (body['messages'] as unknown[]) : [];
  const last = messages[messages.length - 1] as { content?: unknown } | undefined;
  return typeof last?.content === 'string' ? last.content : '';
}

function writeHalves(res: ServerResponse, event: string): void {
  const buf = Buffer.from(event);
  const mid = Math.floor(buf.length / 2);
  res.write(buf.subarray(0, mid));
  res.write(buf.subarray(mid));
}

function stream(res: ServerResponse, model: string, text: string, size: number): void {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const base = { id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 1, model };
  const send = (delta: Record<string, unknown>, finish: string | null): void =>
    writeHalves(
      res,
      `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`,
    );
  send({ role: 'assistant', content: '' }, null);
  for (let i = 0; i < text.length; i += size) send({ content: text.slice(i, i + size) }, null);
  send({}, 'stop');
  res.end('data: [DONE]\n\n');
}

function whole(res: ServerResponse, model: string, text: string): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      id: 'chatcmpl-fake',
      object: 'chat.completion',
      created: 1,
      model,
      choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
    }),
  );
}

export async function startRawTextEngine(model: string): Promise<RawTextEngine> {
  const bodies: Record<string, unknown>[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      if (req.method === 'GET' && req.url === '/health') return void res.end('OK');
      if (req.method === 'GET' && req.url === '/v1/models') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end(
          JSON.stringify({
            object: 'list',
            data: [{ id: model, object: 'model', owned_by: 'vllm' }],
          }),
        );
      }
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        res.writeHead(404);
        return void res.end();
      }
      const body = JSON.parse(await readBody(req)) as Record<string, unknown>;
      bodies.push(body);
      const text = lastContent(body);
      const size = Number(req.headers['x-fake-chunk'] ?? 3);
      if (body['stream'] === true) stream(res, model, text, size);
      else whole(res, model, text);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    bodies,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
