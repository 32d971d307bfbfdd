/**
 * Rewrites a streamed `/v1/chat/completions` answer (OpenAI SSE) as it passes: each choice's
 * `delta.content` goes through its ChoiceStream, and what became certain goes out at once as
 * `content`, `reasoning_content` and `tool_calls` deltas in the same event. Held back: at most
 * one unfinished SSE event and whatever the parsers cannot decide yet (a possible marker).
 * Parsers are flushed on the choice's finish_reason chunk (which becomes "tool_calls" when
 * calls were found), else before `[DONE]`, else at the end of the stream.
 */
import { StringDecoder } from 'node:string_decoder';
import { ChoiceStream, type ChoiceParsers, type ChoicePiece } from './choice-parser';
import { scanContentEvent } from './sse-fast-path';

type Json = Record<string, unknown>;

const EMPTY = Buffer.alloc(0);

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** End of the next event (index of its blank-line separator) and the separator's length. */
function nextEventEnd(text: string, from: number): [number, number] {
  const lf = text.indexOf('\n\n', from);
  const crlf = text.indexOf('\r\n\r\n', from);
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return [crlf, 4];
  return [lf, 2];
}

/** The JSON payload of an event made of one `data:` line, else undefined. */
function dataOf(raw: string): string | undefined {
  if (!raw.startsWith('data:')) return undefined;
  const nl = raw.indexOf('\n');
  if (nl < 0) return raw.slice(5).trim();
  if (raw.slice(nl).trim() !== '') return undefined;
  return raw.slice(5, nl).trim();
}

function isEmptyPiece(p: ChoicePiece): boolean {
  return p.content === '' && p.reasoning === '' && p.toolCalls.length === 0;
}

function merge(a: ChoicePiece, b: ChoicePiece): ChoicePiece {
  return {
    content: a.content + b.content,
    reasoning: a.reasoning + b.reasoning,
    toolCalls: [...a.toolCalls, ...b.toolCalls],
  };
}

const NOTHING: ChoicePiece = Object.freeze({ content: '', reasoning: '', toolCalls: [] });

export class SseRewriter {
  private pending = '';
  private readonly decoder = new StringDecoder('utf8');
  private readonly choices = new Map<number, ChoiceStream>();
  private readonly finished = new Set<number>();
  private template: Json = {};
  /** Data of the latest fast-path chunk, parsed into `template` only if collie must add an event. */
  private templateData: string | undefined;

  constructor(private readonly parsers: ChoiceParsers) {}

  push(chunk: Buffer): Buffer {
    const text = this.pending + this.decoder.write(chunk);
    let out = '';
    let pos = 0;
    for (;;) {
      const [end, sep] = nextEventEnd(text, pos);
      if (end < 0) break;
      out += this.event(text.slice(pos, end), text.slice(end, end + sep));
      pos = end + sep;
    }
    this.pending = pos === 0 ? text : text.slice(pos);
    return out.length === 0 ? EMPTY : Buffer.from(out);
  }

  /** End of the stream: flushes the parsers and any unterminated event. */
  end(): Buffer {
    const out = this.flushAll() + this.pending + this.decoder.end();
    this.pending = '';
    return out.length === 0 ? EMPTY : Buffer.from(out);
  }

  private event(raw: string, sep: string): string {
    const data = dataOf(raw);
    if (data === undefined) return raw + sep;
    if (data === '[DONE]') return this.flushAll() + raw + sep;
    const fast = scanContentEvent(data);
    if (fast !== undefined && !this.finished.has(fast.index)) {
      this.templateData = data;
      const piece = this.streamOf(fast.index).push(fast.content);
      if (isEmptyPiece(piece)) return '';
      const next = JSON.stringify(applyPiece({}, piece, false));
      return `data: ${data.slice(0, fast.start)}"delta":${next}${data.slice(fast.end)}\n\n`;
    }
    let obj: unknown;
    try {
      obj = JSON.parse(data);
    } catch {
      return raw + sep;
    }
    if (!isObject(obj) || !Array.isArray(obj['choices'])) return raw + sep;
    return this.rewrite(obj, obj['choices'] as unknown[]);
  }

  private keepTemplate(obj: Json): void {
    const { choices: _c, usage: _u, ...template } = obj;
    this.template = template;
    this.templateData = undefined;
  }

  /** The chunk fields (id, model, …) for events collie adds, from the latest engine chunk. */
  private chunkTemplate(): Json {
    if (this.templateData !== undefined) {
      try {
        const obj: unknown = JSON.parse(this.templateData);
        if (isObject(obj)) this.keepTemplate(obj);
      } catch {
        this.templateData = undefined;
      }
    }
    return this.template;
  }

  private streamOf(index: number): ChoiceStream {
    let stream = this.choices.get(index);
    if (stream === undefined) {
      stream = new ChoiceStream(this.parsers);
      this.choices.set(index, stream);
    }
    return stream;
  }

  private rewrite(obj: Json, choices: unknown[]): string {
    this.keepTemplate(obj);
    const kept: unknown[] = [];
    for (const choice of choices) {
      const c = isObject(choice) ? this.choice(choice) : choice;
      if (c !== undefined) kept.push(c);
    }
    if (kept.length === 0 && choices.length > 0 && obj['usage'] == null) return '';
    obj['choices'] = kept;
    return `data: ${JSON.stringify(obj)}\n\n`;
  }

  /** The rewritten choice, or undefined when nothing is left to send of it. */
  private choice(choice: Json): Json | undefined {
    const index = typeof choice['index'] === 'number' ? choice['index'] : 0;
    if (this.finished.has(index)) return choice;
    const delta = isObject(choice['delta']) ? choice['delta'] : {};
    const content = delta['content'];
    const stream = this.streamOf(index);
    let piece = typeof content === 'string' && content.length > 0 ? stream.push(content) : NOTHING;
    const done = choice['finish_reason'] != null;
    if (done) {
      piece = merge(piece, stream.finish());
      this.finished.add(index);
      if (stream.sawCalls && choice['finish_reason'] === 'stop')
        choice['finish_reason'] = 'tool_calls';
    }
    const { content: _drop, ...rest } = delta;
    const next = applyPiece(rest, piece, content === '');
    if (!done && Object.keys(next).length === 0 && typeof content === 'string') return undefined;
    choice['delta'] = next;
    return choice;
  }

  private flushAll(): string {
    let out = '';
    for (const [index, stream] of this.choices) {
      if (this.finished.has(index)) continue;
      this.finished.add(index);
      const piece = stream.finish();
      if (isEmptyPiece(piece)) continue;
      const delta = applyPiece({}, piece, false);
      const chunk = { ...this.chunkTemplate(), choices: [{ index, delta, finish_reason: null }] };
      out += `data: ${JSON.stringify(chunk)}\n\n`;
    }
    return out;
  }
}

/** Adds a piece to a delta in OpenAI's field names (an engine's own reasoning goes first). */
function applyPiece(delta: Json, piece: ChoicePiece, keepEmptyContent: boolean): Json {
  if (piece.content.length > 0 || keepEmptyContent) delta['content'] = piece.content;
  if (piece.reasoning.length > 0) {
    const own = delta['reasoning_content'];
    delta['reasoning_content'] = (typeof own === 'string' ? own : '') + piece.reasoning;
  }
  if (piece.toolCalls.length > 0) delta['tool_calls'] = piece.toolCalls;
  return delta;
}
