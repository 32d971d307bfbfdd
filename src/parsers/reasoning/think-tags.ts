/**
 * SMG's base reasoning parser (`BaseReasoningParser`): one start and one end token, optionally
 * "always in reasoning". Most named parsers are this machine with other tokens or flags.
 *
 * Complete parse (SMG exactly): reasoning mode if always-in-reasoning or the start token occurs
 * anywhere; every start token is removed, the result trimmed; no end token → all reasoning; else
 * split at the first end token, reasoning before, trimmed normal text after.
 *
 * Incremental parse: equals the complete parse for every input whose start token (if any) comes
 * first apart from whitespace; text before a later start token streams as normal text (SMG's
 * streaming does the same), because matching the complete parse there would mean holding the
 * whole output. Held text is at most a marker prefix plus one run of whitespace whose fate
 * (trimmed or not) depends on what follows.
 */
import {
  EMPTY_RESULT,
  checkBufferLimit,
  endOfNonWs,
  firstNonWs,
  normalOnly,
  partialSuffix,
  rustTrim,
} from './text';
import type { ReasoningParser, ReasoningResult, ReasoningStreamParser } from './types';

export interface ThinkTagConfig {
  readonly name: string;
  readonly start: string;
  readonly end: string;
  /** Reasoning from the first byte, no start token needed (deepseek_r1, qwen3_thinking, …). */
  readonly alwaysInReasoning: boolean;
}

export const THINK = { start: '<think>', end: '</think>' } as const;

export function createThinkTagParser(config: ThinkTagConfig): ReasoningParser {
  return {
    name: config.name,
    parse: (text) => parseComplete(config, text),
    stream: () => new ThinkTagStream(config),
  };
}

function parseComplete(config: ThinkTagConfig, text: string): ReasoningResult {
  checkBufferLimit(text);
  const { start, end } = config;
  if (!config.alwaysInReasoning && !text.includes(start)) return normalOnly(text);
  const processed = rustTrim(text.split(start).join(''));
  const at = processed.indexOf(end);
  if (at < 0) return { normalText: '', reasoningText: processed };
  return {
    reasoningText: processed.slice(0, at),
    normalText: rustTrim(processed.slice(at + end.length)),
  };
}

type Phase = 'pre' | 'reasoning' | 'normal';

class ThinkTagStream implements ReasoningStreamParser {
  private phase: Phase;
  /** Unscanned text that may be the start of a marker. */
  private tail = '';
  /** Whitespace of the current channel whose fate is not decided yet. */
  private ws = '';
  /** Nothing but whitespace seen in the current channel so far. */
  private atStart = true;
  private normal = '';
  private reasoning = '';

  constructor(private readonly config: ThinkTagConfig) {
    this.phase = config.alwaysInReasoning ? 'reasoning' : 'pre';
  }

  push(chunk: string): ReasoningResult {
    checkBufferLimit(chunk, this.tail.length + this.ws.length);
    const s = this.tail.length > 0 ? this.tail + chunk : chunk;
    this.tail = '';
    this.scan(s);
    return this.take();
  }

  finish(): ReasoningResult {
    const tail = this.tail;
    this.tail = '';
    this.emit(tail);
    if (this.phase === 'pre') this.normal += this.ws;
    this.ws = '';
    return this.take();
  }

  private take(): ReasoningResult {
    if (this.normal.length === 0 && this.reasoning.length === 0) return EMPTY_RESULT;
    const out = { normalText: this.normal, reasoningText: this.reasoning };
    this.normal = '';
    this.reasoning = '';
    return out;
  }

  private scan(s: string): void {
    const { start, end } = this.config;
    let pos = 0;
    for (;;) {
      const atStart = s.indexOf(start, pos);
      const atEnd = this.phase === 'reasoning' ? s.indexOf(end, pos) : -1;
      if (atStart >= 0 && (atEnd < 0 || atStart < atEnd)) {
        this.emit(s.slice(pos, atStart));
        if (this.phase === 'pre') this.enterReasoning();
        pos = atStart + start.length;
      } else if (atEnd >= 0) {
        this.emit(s.slice(pos, atEnd));
        // An end token exists: reasoning keeps its trailing whitespace.
        this.reasoning += this.ws;
        this.ws = '';
        this.phase = 'normal';
        this.atStart = true;
        pos = atEnd + end.length;
      } else {
        const tokens = this.phase === 'reasoning' ? [start, end] : [start];
        const keep = partialSuffix(s, pos, tokens);
        this.emit(s.slice(pos, s.length - keep));
        this.tail = s.slice(s.length - keep);
        return;
      }
    }
  }

  private enterReasoning(): void {
    // Leading whitespace before the first start token is trimmed by the complete parse.
    if (!this.atStart) this.normal += this.ws;
    this.ws = '';
    this.phase = 'reasoning';
    this.atStart = true;
  }

  /** Routes text to the current channel, trimming as the complete parse does. */
  private emit(text: string): void {
    if (text.length === 0) return;
    if (this.phase === 'pre') {
      if (!this.atStart) {
        this.normal += text;
      } else if (firstNonWs(text) < 0) {
        this.ws += text;
      } else {
        this.normal += this.ws + text;
        this.ws = '';
        this.atStart = false;
      }
      return;
    }
    let t = text;
    if (this.atStart) {
      const first = firstNonWs(t);
      if (first < 0) return;
      t = first === 0 ? t : t.slice(first);
      this.atStart = false;
    }
    const cut = endOfNonWs(t);
    if (cut === 0) {
      this.ws += t;
      return;
    }
    const piece = this.ws + (cut === t.length ? t : t.slice(0, cut));
    this.ws = cut === t.length ? '' : t.slice(cut);
    if (this.phase === 'reasoning') this.reasoning += piece;
    else this.normal += piece;
  }
}
