/**
 * `kimi_k3` reasoning parser (SMG's KimiK3Parser): Kimi K3's XTML channels delimited by
 * `<|open|>NAME<|sep|>` / `<|close|>NAME<|sep|>` (whitespace tolerated around NAME). The `think`
 * channel is reasoning; `response`/`message` wrappers are removed from the normal text; a
 * `tools` channel stays in the normal text for the tool parser.
 *
 * Complete parse (SMG exactly, fresh parser): text before the first think-open is dropped; the
 * think channel ends at the earliest think-close (consumed) or `response`/`tools` opener (kept);
 * without a think-open, a think-close or a `response`/`message` closer also ends it; no end →
 * everything after the opener is reasoning.
 *
 * Streaming: a think-open at the very start (after whitespace) opens reasoning, otherwise the
 * whole output is content (SMG's streaming decides the same way); held text is at most one
 * marker prefix.
 */
import { EMPTY_RESULT, RUST_WS_CLASS, checkBufferLimit, firstNonWs, normalOnly } from './text';
import type { ReasoningParser, ReasoningResult, ReasoningStreamParser } from './types';

type Tag = 'open' | 'close';
type Channel = 'think' | 'response' | 'message' | 'tools';

function markerRe(tag: Tag, channel: Channel): RegExp {
  return new RegExp(`<\\|${tag}\\|>${RUST_WS_CLASS}*${channel}${RUST_WS_CLASS}*<\\|sep\\|>`, 'g');
}

const RE = {
  thinkOpen: markerRe('open', 'think'),
  thinkClose: markerRe('close', 'think'),
  responseOpen: markerRe('open', 'response'),
  responseClose: markerRe('close', 'response'),
  messageOpen: markerRe('open', 'message'),
  messageClose: markerRe('close', 'message'),
  toolsOpen: markerRe('open', 'tools'),
} as const;

const WRAPPERS = [RE.responseOpen, RE.responseClose, RE.messageOpen, RE.messageClose] as const;

interface Found {
  readonly start: number;
  readonly end: number;
}

function find(re: RegExp, text: string, from = 0): Found | undefined {
  re.lastIndex = from;
  const m = re.exec(text);
  return m === null ? undefined : { start: m.index, end: m.index + m[0].length };
}

function stripWrappers(text: string): string {
  let out = text;
  for (const re of WRAPPERS) out = out.replace(re, '');
  return out;
}

/** [reasoningEnd, contentStart] of the think channel's earliest terminator, as SMG ranks them. */
function channelEnd(text: string, from: number, observed: boolean): [number, number] | undefined {
  let best: { at: number; span: [number, number] } | undefined;
  const offer = (at: number | undefined, span: (at: number) => [number, number]): void => {
    if (at !== undefined && (best === undefined || at < best.at)) best = { at, span: span(at) };
  };
  const close = find(RE.thinkClose, text, from);
  offer(close?.start, (at) => [at, close?.end ?? at]);
  offer(minStart(text, from, [RE.responseOpen, RE.toolsOpen]), (at) => [at, at]);
  if (!observed)
    offer(minStart(text, from, [RE.responseClose, RE.messageClose]), () => [from, from]);
  return best?.span;
}

function minStart(text: string, from: number, res: readonly RegExp[]): number | undefined {
  let min: number | undefined;
  for (const re of res) {
    const at = find(re, text, from)?.start;
    if (at !== undefined && (min === undefined || at < min)) min = at;
  }
  return min;
}

function parseComplete(text: string): ReasoningResult {
  checkBufferLimit(text);
  const open = find(RE.thinkOpen, text);
  if (open === undefined && find(RE.thinkClose, text) === undefined) {
    return normalOnly(stripWrappers(text));
  }
  const from = open?.end ?? 0;
  const span = channelEnd(text, from, open !== undefined);
  if (span === undefined) return { normalText: '', reasoningText: text.slice(from) };
  return {
    reasoningText: text.slice(from, span[0]),
    normalText: stripWrappers(text.slice(span[1])),
  };
}

const WS_ONLY = new RegExp(`^${RUST_WS_CLASS}*$`);

/** Is `s` a proper prefix of `<|tag|> ws* channel ws* <|sep|>` for one of the channels? */
function isMarkerPrefix(s: string, tag: Tag, channels: readonly Channel[]): boolean {
  const head = `<|${tag}|>`;
  if (s.length <= head.length) return head.startsWith(s);
  if (!s.startsWith(head)) return false;
  const body = s.slice(head.length);
  const first = firstNonWs(body);
  if (first < 0) return WS_ONLY.test(body);
  const rest = body.slice(first);
  return channels.some((ch) => {
    if (rest.length <= ch.length) return ch.startsWith(rest);
    if (!rest.startsWith(ch)) return false;
    const after = rest.slice(ch.length);
    const k = firstNonWs(after);
    if (k < 0) return true;
    const sep = after.slice(k);
    return sep.length < 7 && '<|sep|>'.startsWith(sep);
  });
}

type Pattern = readonly [Tag, readonly Channel[]];

/** Start of the held suffix: the earliest of the last two `<` that begins a marker prefix. */
function heldFrom(s: string, from: number, patterns: readonly Pattern[]): number {
  let held = s.length;
  let lt = s.lastIndexOf('<');
  for (let n = 0; n < 2 && lt >= from; n++) {
    const tail = s.slice(lt);
    if (patterns.some(([tag, chs]) => isMarkerPrefix(tail, tag, chs))) held = lt;
    lt = lt > 0 ? s.lastIndexOf('<', lt - 1) : -1;
  }
  return held;
}

const REASONING_ENDS: readonly Pattern[] = [
  ['close', ['think']],
  ['open', ['response', 'tools']],
];
const CONTENT_WRAPPERS: readonly Pattern[] = [
  ['open', ['response', 'message']],
  ['close', ['response', 'message']],
];

class KimiK3Stream implements ReasoningStreamParser {
  private phase: 'start' | 'reasoning' | 'content' = 'start';
  private held = '';
  private normal = '';
  private reasoning = '';

  push(chunk: string): ReasoningResult {
    checkBufferLimit(chunk, this.held.length);
    const s = this.held.length > 0 ? this.held + chunk : chunk;
    this.held = '';
    this.scan(s);
    return this.take();
  }

  finish(): ReasoningResult {
    if (this.phase === 'reasoning') this.reasoning += this.held;
    else this.normal += stripWrappers(this.held);
    this.held = '';
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
    let pos = 0;
    if (this.phase === 'start') {
      const first = firstNonWs(s);
      if (first < 0 || isMarkerPrefix(s.slice(first), 'open', ['think'])) {
        this.held = s;
        return;
      }
      const open = find(RE.thinkOpen, s, first);
      if (open !== undefined && open.start === first) {
        this.phase = 'reasoning';
        pos = open.end;
      } else {
        this.phase = 'content';
      }
    }
    if (this.phase === 'reasoning') {
      const span = channelEnd(s, pos, true);
      if (span === undefined) {
        const cut = heldFrom(s, pos, REASONING_ENDS);
        this.reasoning += s.slice(pos, cut);
        this.held = s.slice(cut);
        return;
      }
      this.reasoning += s.slice(pos, span[0]);
      this.phase = 'content';
      pos = span[1];
    }
    const cut = heldFrom(s, pos, CONTENT_WRAPPERS);
    this.normal += stripWrappers(s.slice(pos, cut));
    this.held = s.slice(cut);
  }
}

export const kimiK3Parser: ReasoningParser = {
  name: 'kimi_k3',
  parse: parseComplete,
  stream: () => new KimiK3Stream(),
};
