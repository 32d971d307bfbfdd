/**
 * A stand-in inference engine for `bench:proxy --engine stub`: node:http, one fixed
 * chat.completion per request, nothing else. It isolates the proxies from the cost of collie's
 * mock engine and lets the bench run when that subcommand is unavailable. Run as its own process:
 *   node dist/bench/lib/stub-engine.js --host 127.0.0.1 --port <p> --model <name>
 */
import http from 'node:http';
import { parseArgs } from 'node:util';

function chatCompletion(model: string): string {
  return JSON.stringify({
    id: 'chatcmpl-stub',
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: 'Hello from the stub engine' },
        finish_reason: 'stop',
      },
    ],
    usage: { prompt_tokens: 1, completion_tokens: 6, total_tokens: 7 },
  });
}

function modelList(model: string): string {
  return JSON.stringify({
    object: 'list',
    data: [{ id: model, object: 'model', created: 0, owned_by: 'stub' }],
  });
}

function handle(model: string, req: http.IncomingMessage, res: http.ServerResponse): void {
  const send = (status: number, body: string): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body);
  };
  req.resume(); // the body is ignored, but must be drained for keep-alive
  req.on('end', () => {
    const route = `${req.method ?? ''} ${(req.url ?? '').split('?')[0] ?? ''}`;
    switch (route) {
      case 'POST /v1/chat/completions':
        return send(200, chatCompletion(model));
      case 'GET /v1/models':
        return send(200, modelList(model));
      case 'GET /health':
      case 'GET /health_generate':
        return send(200, '{}');
      default:
        return send(404, JSON.stringify({ error: { message: `no route ${route}` } }));
    }
  });
}

function main(): void {
  const { values } = parseArgs({
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '0' },
      model: { type: 'string', default: 'mock-model' },
    },
  });
  const server = http.createServer((req, res) => handle(values.model, req, res));
  server.keepAliveTimeout = 75_000;
  server.listen(Number(values.port), values.host, () => {
    const address = server.address();
    const port = address !== null && typeof address === 'object' ? address.port : 0;
    process.stdout.write(`${JSON.stringify({ msg: 'stub engine ready', port })}\n`);
  });
  const stop = (): void => {
    server.close();
    server.closeAllConnections();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (require.main === module) main();
