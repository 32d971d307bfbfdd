/**
 * Backpressure with the response-path parsers on (`--tool-call-parser qwen --reasoning-parser
 * qwen3`): a client that stops reading a stream the rewriter is reshaping must stop the engine,
 * not make the gateway buffer what the engine keeps producing. The engine here never ends its
 * stream and writes only what its socket takes; while the client reads nothing, the engine must
 * come to a standstill having handed over no more than the sockets' buffers can hold (BOUND),
 * in each phase of the answer: thinking, answer text, and tool calls. Then the client reads
 * again, the stream flows on, parsed (no raw markup reaches the client), and when the client
 * leaves, the engine's stream is closed and the worker's load released.
 */
import assert from 'node:assert/strict';
import { request, type IncomingMessage } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { eventually, startTestGateway, type TestGateway } from '../helpers/gateway';
import { startFloodEngine, type FloodEngine, type PieceFn } from '../helpers/flood-engine';

const MODEL = 'flood-model';
/**
 * Most bytes the engine may get rid of while the client reads nothing: the kernel's buffers on
 * both loopback connections (a few MB each with autotuning), plus a high-water mark or two in
 * the gateway. A gateway that buffered the stream would pass this within a second.
 */
const BOUND = 32 * 1024 * 1024;
/** How long the engine must stay blocked on 'drain' to count as stopped. */
const STILL_MS = 400;
/** How much the client must read, and the engine get further, once the client reads again. */
const FLOWS_AGAIN = 4 * 1024 * 1024;

const CALL =
  '<tool_call>\n{"name": "get_weather", "arguments": {"location": "Paris"}}\n</tool_call>\n';
const THINKING = 'weighing a < b and </thi-like text, then more steps of thought. '.repeat(16);
const ANSWER = 'plain answer text with a < sign and <tool_ca-like fragments in it. '.repeat(16);

interface Phase {
  readonly name: string;
  readonly piece: PieceFn;
  /** Checks the parsed deltas the client read after resuming. */
  readonly check: (d: Deltas) => void;
}

interface Deltas {
  content: string;
  reasoning: number;
  calls: number;
  maxIndex: number;
}

const PHASES: readonly Phase[] = [
  {
    name: 'thinking',
    piece: (n) => (n === 0 ? `<think>${THINKING}` : THINKING),
    check: (d) => {
      assert.ok(d.reasoning > 1_000_000, `reasoning read: ${d.reasoning}`);
      assert.equal(d.content, '');
    },
  },
  {
    name: 'answer text',
    piece: (n) => (n === 0 ? `<think>short</think>${ANSWER}` : ANSWER),
    check: (d) => {
      assert.ok(d.content.length > 1_000_000, `content read: ${d.content.length}`);
      assert.ok(!d.content.includes('<think>') && !d.content.includes('<tool_call>'));
      assert.equal(d.calls, 0);
    },
  },
  {
    name: 'tool calls',
    piece: (n) => (n === 0 ? `<think>short</think>Calling.\n${CALL}` : CALL.repeat(12)),
    check: (d) => {
      assert.ok(d.calls > 10_000, `calls read: ${d.calls}`);
      assert.equal(d.maxIndex, d.calls - 1, 'one call per index, counting up');
      assert.ok(!d.content.includes('<tool_call>'), 'no raw markup in content');
    },
  },
];

const BODY = JSON.stringify({
  model: MODEL,
  stream: true,
  messages: [{ role: 'user', content: 'go' }],
  tools: [
    {
      type: 'function',
      function: { name: 'get_weather', parameters: { type: 'object', properties: {} } },
    },
  ],
});

/** Adds the complete SSE events of `text` to `d`; returns the unfinished tail. */
function readEvents(text: string, d: Deltas): string {
  const events = text.split('\n\n');
  const tail = events.pop() ?? '';
  for (const ev of events) {
    if (!ev.startsWith('data: ') || ev === 'data: [DONE]') continue;
    const obj = JSON.parse(ev.slice(6)) as {
      choices: {
        delta: { content?: string; reasoning_content?: string; tool_calls?: unknown[] };
      }[];
    };
    for (const c of obj.choices) {
      d.content += c.delta.content ?? '';
      d.reasoning += c.delta.reasoning_content?.length ?? 0;
      for (const call of (c.delta.tool_calls ?? []) as { index: number; id?: string }[]) {
        if (call.id !== undefined) d.calls++;
        d.maxIndex = Math.max(d.maxIndex, call.index);
      }
    }
  }
  return tail;
}

async function openStream(port: number): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/v1/chat/completions',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(BODY) },
      },
      resolve,
    );
    req.on('error', reject);
    req.end(BODY);
  });
}

for (const phase of PHASES) {
  void describe(`backpressure with parsers on: a client stops reading during ${phase.name}`, () => {
    let engine: FloodEngine;
    let gw: TestGateway;
    before(async () => {
      engine = await startFloodEngine(MODEL, phase.piece);
      gw = await startTestGateway([
        '--worker-urls',
        engine.url,
        '--tool-call-parser',
        'qwen',
        '--reasoning-parser',
        'qwen3',
      ]);
    });
    after(async () => {
      await gw.close();
      await engine.close();
    });

    void test('the engine stops within the socket buffers, then flows again, parsed', async () => {
      const res = await openStream(gw.port);
      assert.equal(res.statusCode, 200);
      res.pause();
      const still = (): boolean =>
        engine.blockedSince !== undefined && Date.now() - engine.blockedSince >= STILL_MS;
      await eventually(() => still() || engine.accepted > BOUND, 20_000);
      const stalledAt = engine.accepted;
      assert.ok(
        stalledAt <= BOUND,
        `the engine got ${stalledAt} bytes out to a client not reading`,
      );
      assert.ok(stalledAt > 1024 * 1024, `the stream got going (${stalledAt} bytes)`);

      const d: Deltas = { content: '', reasoning: 0, calls: 0, maxIndex: -1 };
      let tail = '';
      let received = 0;
      res.setEncoding('utf8');
      res.on('data', (s: string) => {
        received += s.length;
        tail = readEvents(tail + s, d);
      });
      res.resume();
      // Both ends move: the client reads, and the engine gets past where it stood still.
      await eventually(
        () => received >= FLOWS_AGAIN && engine.accepted >= stalledAt + FLOWS_AGAIN,
        20_000,
      );
      res.destroy();
      await eventually(() => engine.open === 0, 5000);
      await eventually(() => gw.inflight(engine.url) === 0, 5000);
      phase.check(d);
      assert.equal(engine.started, 1);
    });
  });
}
