/**
 * The cheapest engine the proxy bench can put behind a proxy: uWebSockets.js (loaded the way
 * collie loads it), pre-rendered answers, no tokenizer, no state. On this stack a request costs
 * a few µs of engine CPU, so the proxies in front of it, not the engine, are what saturates.
 * Answers follow bench/lib/engine-protocol.ts (non-streaming JSON, K SSE chunks, optional
 * per-chunk delay). Run as its own process:
 *
 *   node dist/bench/lib/uws-engine.js --host 127.0.0.1 --port <p> --model <name> [--processes N]
 */
import { loadUws, type HttpResponse, type TemplatedApp } from '../../src/server/uws';
import { runEngineMain } from './cluster-run';
import { listenShared } from './uws-listen';
import {
  chatCompletionBody,
  modelListBody,
  parseEngineRequest,
  sseFrames,
  type EngineRequest,
  type SseFrames,
} from './engine-protocol';

interface Answers {
  readonly completion: Buffer;
  readonly models: Buffer;
  readonly frames: SseFrames;
}

/**
 * Streams `req.chunks` frames. Back to back (delay 0): one frame per event-loop turn
 * (setImmediate), so each is its own write as tokens are from a real engine, not one coalesced
 * send. With a delay: one frame every `chunkDelayMs`, and the connection closes afterwards (see
 * the header comment of engine-protocol.ts for why).
 */
function stream(res: HttpResponse, req: EngineRequest, frames: SseFrames): void {
  let aborted = false;
  let sent = 0;
  let timer: NodeJS.Timeout | undefined;
  res.onAborted(() => {
    aborted = true;
    clearTimeout(timer);
  });
  const close = req.chunkDelayMs > 0;
  const next = (): void => {
    if (aborted) return;
    sent++;
    res.cork(() => {
      if (sent < req.chunks) res.write(frames.chunk);
      else res.end(frames.lastAndDone);
    });
    if (sent < req.chunks) schedule();
  };
  const schedule = (): void => {
    if (close) timer = setTimeout(next, req.chunkDelayMs);
    else setImmediate(next);
  };
  res.cork(() => {
    res.writeStatus('200 OK');
    res.writeHeader('content-type', 'text/event-stream');
    res.writeHeader('cache-control', 'no-cache');
    // The proxy closes the connection after this answer (see engine-protocol.ts). uWS's own
    // end(…, true) cannot be used: inside cork it closes before the corked bytes are flushed.
    if (close) res.writeHeader('connection', 'close');
  });
  schedule();
}

function chat(res: HttpResponse, answers: Answers): void {
  let aborted = false;
  res.onAborted(() => {
    aborted = true;
  });
  const parts: Buffer[] = [];
  res.onData((ab, isLast) => {
    parts.push(Buffer.from(new Uint8Array(ab)));
    if (!isLast || aborted) return;
    const req = parseEngineRequest(Buffer.concat(parts).toString('utf8'));
    if (req.stream) {
      stream(res, req, answers.frames);
      return;
    }
    res.cork(() => {
      res.writeStatus('200 OK').writeHeader('content-type', 'application/json');
      res.end(answers.completion);
    });
  });
}

function json(res: HttpResponse, status: string, body: Buffer | string): void {
  res.cork(() => {
    res.writeStatus(status).writeHeader('content-type', 'application/json');
    res.end(body);
  });
}

function buildApp(model: string): TemplatedApp {
  const answers: Answers = {
    completion: Buffer.from(chatCompletionBody(model)),
    models: Buffer.from(modelListBody(model)),
    frames: sseFrames(model),
  };
  return loadUws()
    .App()
    .post('/v1/chat/completions', (res) => chat(res, answers))
    .get('/v1/models', (res) => json(res, '200 OK', answers.models))
    .get('/health', (res) => json(res, '200 OK', '{}'))
    .get('/health_generate', (res) => json(res, '200 OK', '{}'))
    .any('/*', (res) => json(res, '404 Not Found', '{"error":{"message":"no such route"}}'));
}

if (require.main === module) {
  runEngineMain('uws-engine', (model, host, port) => listenShared(buildApp(model), host, port));
}
