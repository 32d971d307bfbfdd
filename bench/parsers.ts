/**
 * `npm run bench:parsers`: parser throughput and response-path cost.
 *  - complete and incremental (4-character chunks, about one token) parsing in MB/s for every
 *    reasoning family and every registered tool parser (inputs: ~64 KB texts of hundreds of
 *    calls, checked to parse to all of them; see lib/tool-inputs.ts);
 *  - µs added per SSE chunk on the response path (SseRewriter over one-token chat chunks, one
 *    event per push, as engines send them), against the target of < 5 µs.
 * Prints tables and writes bench/results/parsers-<date>.json and parsers-latest.json.
 * PARSERS_SECONDS (default 0.5) is the measuring time per row.
 */
import fs from 'node:fs';
import path from 'node:path';
import { reasoningParser } from '../src/parsers/reasoning';
import { toolParser, toolParserNames, type ToolParser } from '../src/parsers/tool';
import { SseRewriter } from '../src/parsers/response/sse-rewriter';
import type { ChoiceParsers } from '../src/parsers/response/choice-parser';
import { formatTable, fmt } from './lib/table';
import { machineInfo } from './lib/machine';
import { BENCH_TOOLS, toolInput, type ToolInput } from './lib/tool-inputs';

const SECONDS = Number(process.env['PARSERS_SECONDS'] ?? 0.5);
const CHUNK = 4;
const ROUNDS = 5;

/**
 * Seconds per call of `fn`: the best of ROUNDS windows (SECONDS in all), so other work on a
 * shared machine inflates the figure less.
 */
function timePerCall(fn: () => void): number {
  fn(); // warm-up (JIT, inline caches)
  const budget = BigInt(Math.round((SECONDS / ROUNDS) * 1e9));
  let best = Infinity;
  for (let round = 0; round < ROUNDS; round++) {
    let calls = 0;
    const start = process.hrtime.bigint();
    let elapsed = 0n;
    while (elapsed < budget) {
      fn();
      calls++;
      elapsed = process.hrtime.bigint() - start;
    }
    best = Math.min(best, Number(elapsed) / 1e9 / calls);
  }
  return best;
}

/** Reads one character of a result so V8 materialises it (a parse may return a rope). */
let sink = 0;
function touch(text: string): void {
  sink += text.length > 0 ? text.charCodeAt(text.length >> 1) : 0;
}

function chunks(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

interface ThroughputRow {
  kind: 'reasoning' | 'tool';
  family: string;
  input_bytes: number;
  complete_mb_s: number;
  incremental_mb_s: number;
}

const REASONING_FAMILIES: readonly [family: string, parser: string, text: string][] = (() => {
  const thought = 'Let me think about this step by step, weighing each option. '.repeat(1200);
  const answer = 'The answer is forty-two, as computed above. '.repeat(600);
  return [
    ['think tags (qwen3, glm45, …)', 'qwen3', `<think>${thought}</think>${answer}`],
    ['always in reasoning (deepseek_r1, …)', 'deepseek_r1', `${thought}</think>${answer}`],
    ['kimi (unicode tokens)', 'kimi', `◁think▷${thought}◁/think▷${answer}`],
    ['cohere_cmd', 'cohere_cmd', `<|START_THINKING|>${thought}<|END_THINKING|>${answer}`],
    [
      'inkling (typed blocks)',
      'inkling',
      `<|message_model|><|content_thinking|>${thought}<|end_message|><|message_model|><|content_text|>${answer}<|end_message|>`,
    ],
    [
      'kimi_k3 (XTML channels)',
      'kimi_k3',
      `<|open|>think<|sep|>${thought}<|close|>think<|sep|><|open|>response<|sep|>${answer}<|close|>response<|sep|>`,
    ],
  ];
})();

function reasoningRows(): ThroughputRow[] {
  return REASONING_FAMILIES.map(([family, name, text]) => {
    const parser = reasoningParser(name);
    if (!parser) throw new Error(`no reasoning parser ${name}`);
    const bytes = Buffer.byteLength(text);
    const pieces = chunks(text, CHUNK);
    const complete = timePerCall(() => {
      const r = parser.parse(text);
      touch(r.normalText);
      touch(r.reasoningText);
    });
    const incremental = timePerCall(() => {
      const s = parser.stream();
      for (const p of pieces) s.push(p);
      s.finish();
    });
    return {
      kind: 'reasoning',
      family: `${family} [${name}]`,
      input_bytes: bytes,
      complete_mb_s: bytes / 1e6 / complete,
      incremental_mb_s: bytes / 1e6 / incremental,
    };
  });
}

/** One row per registered tool parser (each on a checked many-call text; see lib/tool-inputs). */
function toolRows(): ThroughputRow[] {
  return toolParserNames().map((name) => {
    const parser = toolParser(name);
    if (!parser) throw new Error(`no tool parser ${name}`);
    return toolRow(name, parser, toolInput(name, parser));
  });
}

function toolRow(name: string, parser: ToolParser, input: ToolInput): ThroughputRow {
  const { text, tools } = input;
  const bytes = Buffer.byteLength(text);
  const pieces = chunks(text, CHUNK);
  const complete = timePerCall(() => touch(parser.parse(text, tools).normalText));
  const incremental = timePerCall(() => {
    const s = parser.stream(tools);
    for (const p of pieces) s.push(p);
    s.finish();
  });
  return {
    kind: 'tool',
    family: `${name} (${input.calls} calls)`,
    input_bytes: bytes,
    complete_mb_s: bytes / 1e6 / complete,
    incremental_mb_s: bytes / 1e6 / incremental,
  };
}

interface ChunkCostRow {
  setup: string;
  events: number;
  us_per_chunk: number;
  added_us_per_chunk: number;
}

/** One-token SSE events of a chat answer with reasoning, text and one tool call. */
function sseEvents(): Buffer[] {
  const text =
    `<think>${'I need the weather, so I will call the tool with the city. '.repeat(20)}</think>` +
    `${'Sure, let me look that up for you right away. '.repeat(20)}` +
    '<tool_call>\n{"name": "get_weather", "arguments": {"location": "Paris"}}\n</tool_call>';
  const base = { id: 'chatcmpl-123', object: 'chat.completion.chunk', created: 1, model: 'm' };
  return chunks(text, CHUNK).map((content) =>
    Buffer.from(
      `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`,
    ),
  );
}

function chunkCostRows(): ChunkCostRow[] {
  const events = sseEvents();
  const tools = BENCH_TOOLS;
  const qwen = toolParser('qwen');
  const setups: [string, ChoiceParsers | undefined][] = [
    ['no parsers (relay only)', undefined],
    ['reasoning qwen3', { reasoning: reasoningParser('qwen3'), newId: () => 'call_x' }],
    [
      'reasoning qwen3 + tools qwen',
      {
        reasoning: reasoningParser('qwen3'),
        tool: qwen ? { parser: qwen, tools } : undefined,
        newId: () => 'call_x',
      },
    ],
  ];
  let baseline = 0;
  return setups.map(([setup, parsers]) => {
    const perStream = timePerCall(() => {
      if (!parsers) {
        let n = 0;
        for (const e of events) n += e.length;
        if (n < 0) throw new Error('unreachable');
        return;
      }
      const r = new SseRewriter(parsers);
      for (const e of events) r.push(e);
      r.end();
    });
    const us = (perStream / events.length) * 1e6;
    if (!parsers) baseline = us;
    return { setup, events: events.length, us_per_chunk: us, added_us_per_chunk: us - baseline };
  });
}

function main(): void {
  const machine = machineInfo();
  const throughput = [...reasoningRows(), ...toolRows()];
  console.log(
    formatTable(
      ['parser family', 'input KB', 'complete MB/s', `incremental MB/s (${CHUNK}-char chunks)`],
      throughput.map((r) => [
        `${r.kind}: ${r.family}`,
        fmt(r.input_bytes / 1024, 0),
        fmt(r.complete_mb_s, 1),
        fmt(r.incremental_mb_s, 1),
      ]),
    ),
  );
  const cost = chunkCostRows();
  console.log('');
  console.log(
    formatTable(
      ['response path (one-token SSE chunks)', 'chunks', 'µs/chunk', 'added µs/chunk (target < 5)'],
      cost.map((r) => [
        r.setup,
        String(r.events),
        fmt(r.us_per_chunk, 2),
        fmt(r.added_us_per_chunk, 2),
      ]),
    ),
  );
  machine.loadavgAtEnd = machineInfo().loadavgAtStart;
  if (sink === -1) console.log('');
  const out = {
    benchmark: 'parsers',
    rounds_best_of: ROUNDS,
    date: new Date().toISOString(),
    seconds_per_row: SECONDS,
    chunk_chars: CHUNK,
    machine,
    throughput,
    response_path: cost,
  };
  const dir = path.resolve(__dirname, '..', '..', 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  const json = JSON.stringify(out, null, 2) + '\n';
  fs.writeFileSync(path.join(dir, `parsers-${out.date.replace(/[:.]/g, '-')}.json`), json);
  fs.writeFileSync(path.join(dir, 'parsers-latest.json'), json);
}

main();
