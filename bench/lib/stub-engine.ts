/**
 * A stand-in inference engine for `bench:proxy --engine stub`: node:http, pre-rendered answers
 * following bench/lib/engine-protocol.ts (non-streaming JSON, K SSE chunks, optional per-chunk
 * delay), nothing else. Dearer per request than uws-engine.ts (node:http parses in JS), cheaper
 * than collie's mock engine. Run as its own process:
 *   node dist/bench/lib/stub-engine.js --host 127.0.0.1 --port <p> --model <name> [--processes N]
 */
import http from 'node:http';
import { runEngineMain } from './cluster-run';
import {
  chatCompletionBody,
  modelListBody,
  parseEngineRequest,
  sseFrames,
  type EngineRequest,
  type SseFrames,
} from './engine-protocol';

/** listen(2) backlog (the kernel caps it at net.core.somaxconn): bursts of new connections. */
const BACKLOG = 4096;

interface Answers {
  readonly completion: string;
  readonly models: string;
  readonly frames: SseFrames;
}

/** Same schedule as uws-engine.ts: one frame per loop turn, or one per delay then close. */
function stream(res: http.ServerResponse, req: EngineRequest, frames: SseFrames): void {
  const close = req.chunkDelayMs > 0;
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    ...(close ? { connection: 'close' } : {}),
  });
  let sent = 0;
  let timer: NodeJS.Timeout | undefined;
  res.on('close', () => clearTimeout(timer));
  const next = (): void => {
    if (res.destroyed) return;
    sent++;
    if (sent >= req.chunks) {
      res.end(frames.lastAndDone);
      return;
    }
    res.write(frames.chunk);
    schedule();
  };
  const schedule = (): void => {
    if (close) timer = setTimeout(next, req.chunkDelayMs);
    else setImmediate(next);
  };
  schedule();
}

function handle(answers: Answers, req: http.IncomingMessage, res: http.ServerResponse): void {
  const send = (status: number, body: string): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body);
  };
  const parts: Buffer[] = [];
  req.on('data', (chunk: Buffer) => parts.push(chunk));
  req.on('end', () => {
    const route = `${req.method ?? ''} ${(req.url ?? '').split('?')[0] ?? ''}`;
    switch (route) {
      case 'POST /v1/chat/completions': {
        const parsed = parseEngineRequest(Buffer.concat(parts).toString('utf8'));
        if (parsed.stream) return stream(res, parsed, answers.frames);
        return send(200, answers.completion);
      }
      case 'GET /v1/models':
        return send(200, answers.models);
      case 'GET /health':
      case 'GET /health_generate':
        return send(200, '{}');
      default:
        return send(404, JSON.stringify({ error: { message: `no route ${route}` } }));
    }
  });
}

function listen(model: string, host: string, port: number): Promise<number> {
  const answers: Answers = {
    completion: chatCompletionBody(model),
    models: modelListBody(model),
    frames: sseFrames(model),
  };
  const server = http.createServer((req, res) => handle(answers, req, res));
  server.keepAliveTimeout = 75_000;
  const stop = (): void => {
    server.close();
    server.closeAllConnections();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, backlog: BACKLOG }, () => {
      const address = server.address();
      resolve(address !== null && typeof address === 'object' ? address.port : 0);
    });
  });
}

if (require.main === module) runEngineMain('stub-engine', listen);
