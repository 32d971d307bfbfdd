/**
 * `pythonic` (SMG's PythonicParser, Llama 4 and others): `[get_weather(location="Paris"), f()]`.
 *
 * `<|python_start|>` and `<|python_end|>` are removed first. The block is SMG's regex
 * `\[\s*NAME\s*\(.*?\)\s*(?:,\s*NAME\s*\(.*?\)\s*)*\]`, which (its `.*?` absorbing everything)
 * always ends at the first `)\s*]` after the first candidate's `(`; only the first candidate
 * can match. The block is parsed as a Python call list (python-literal.ts): on success the
 * normal text is the cleaned text without the block; on any failure the ORIGINAL text is
 * returned. Unknown function names are kept.
 *
 * Streaming: text is emitted until a `[` that could start a block or a special token (or a
 * possible prefix of one) appears. A block in plain text is decided as soon as it closes (its
 * calls leave at once); when special tokens are involved the rest is held and decided at
 * finish. Known divergence: a special token inside a block's head (`[<|python_start|>f(…)]`)
 * is only seen by the complete parse.
 */
import { RUST_WS_CLASS, parseWithStream, partialMarkerSuffix, StepBuilder } from './common';
import { parsePythonCallList, PythonSyntaxError } from './python-literal';
import type {
  ToolCall,
  ToolParser,
  ToolParseResult,
  ToolStreamParser,
  ToolStreamStep,
} from './types';

const SPECIAL = ['<|python_start|>', '<|python_end|>'] as const;
const WORD = '[\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\p{Join_Control}]';
const HEAD = new RegExp(`\\[[${RUST_WS_CLASS}]*[A-Za-z_]${WORD}*[${RUST_WS_CLASS}]*\\(`, 'uy');
const TAIL = new RegExp(`\\)[${RUST_WS_CLASS}]*\\]`, 'g');
const WS_CHAR = new RegExp(`^[${RUST_WS_CLASS}]$`, 'u');

function stripSpecial(text: string): string {
  return text.split(SPECIAL[0]).join('').split(SPECIAL[1]).join('');
}

/** The first candidate head (`[ name (`) at or after `from`: its start and the index after `(`. */
function findHead(text: string, from = 0): { start: number; open: number } | undefined {
  for (let p = text.indexOf('[', from); p >= 0; p = text.indexOf('[', p + 1)) {
    HEAD.lastIndex = p;
    if (HEAD.test(text)) return { start: p, open: HEAD.lastIndex };
  }
  return undefined;
}

/** SMG's block match: [start, end) or undefined. */
export function findPythonicBlock(text: string): { start: number; end: number } | undefined {
  const head = findHead(text);
  if (head === undefined) return undefined;
  TAIL.lastIndex = head.open;
  const m = TAIL.exec(text);
  return m === null ? undefined : { start: head.start, end: m.index + m[0].length };
}

function parsePythonic(text: string): ToolParseResult {
  const cleaned = stripSpecial(text);
  const block = findPythonicBlock(cleaned);
  if (block === undefined) return { normalText: text, calls: [] };
  let calls: ToolCall[];
  try {
    calls = parsePythonCallList(cleaned.slice(block.start, block.end));
  } catch (e) {
    if (e instanceof PythonSyntaxError) return { normalText: text, calls: [] };
    throw e;
  }
  return { normalText: cleaned.slice(0, block.start) + cleaned.slice(block.end), calls };
}

const HEAD_PREFIX = new RegExp(
  `\\[[${RUST_WS_CLASS}]*(?:[A-Za-z_]${WORD}*[${RUST_WS_CLASS}]*)?$`,
  'uy',
);

type HoldKind = 'head' | 'special' | 'undecided';

/**
 * Where to stop emitting: at a candidate head (`[ name (`), a special token, or a `[` that
 * could still grow into a head (re-examined on the next chunk).
 */
function holdFrom(text: string): { cut: number; kind: HoldKind } | undefined {
  let special = -1;
  for (const t of SPECIAL) {
    const i = text.indexOf(t);
    if (i >= 0 && (special < 0 || i < special)) special = i;
  }
  for (
    let p = text.indexOf('[');
    p >= 0 && (special < 0 || p < special);
    p = text.indexOf('[', p + 1)
  ) {
    HEAD.lastIndex = p;
    if (HEAD.test(text)) return { cut: p, kind: 'head' };
    HEAD_PREFIX.lastIndex = p;
    if (HEAD_PREFIX.test(text)) return { cut: p, kind: 'undecided' };
  }
  return special >= 0 ? { cut: special, kind: 'special' } : undefined;
}

/** First special token at or after `from`, or -1. */
function firstSpecial(text: string, from: number): number {
  const hits = SPECIAL.map((t) => text.indexOf(t, from)).filter((i) => i >= 0);
  return hits.length === 0 ? -1 : Math.min(...hits);
}

/**
 * Where the tail search resumes after failing on `text` from `from`: at the last `)` if only
 * whitespace follows it (more may still come before a `]`), else at the end. Looks only at
 * text after `from`, so a long unclosed block costs linear time overall.
 */
function resumeTail(text: string, from: number): number {
  for (let i = text.length - 1; i >= from; i--) {
    if (text.charCodeAt(i) === 0x29)
      return /^\)[\s\u0085]*$/u.test(text.slice(i)) ? i : text.length;
  }
  return text.length;
}

/** Streaming `text.replaceAll(token, '')`, holding only a possible token prefix. */
class TokenStripper {
  private held = '';
  constructor(private readonly token: string) {}

  push(text: string, final: boolean): string {
    const all = (this.held + text).split(this.token);
    const last = all.pop() ?? '';
    const keep = final ? 0 : partialMarkerSuffix(last, [this.token]);
    this.held = last.slice(last.length - keep);
    return all.join('') + last.slice(0, last.length - keep);
  }
}

/**
 * Tells whether a block's end (`)`, whitespace, `]`) may have arrived, looking only at each new
 * chunk. While a candidate waits for its end, searching the held text on every push would
 * flatten (copy) it each time, quadratic over a long call list; the search runs only when this
 * says the end may be there (or at finish). Deferring it changes nothing: while waiting nothing
 * is emitted, and the search resumes from where the last one stopped.
 */
class CloserWatch {
  /** The text so far ends in `)` plus whitespace. */
  private afterParen = false;

  reset(endsInParen: boolean): void {
    this.afterParen = endsInParen;
  }

  /** True when `chunk` completes a `)\s*]`. */
  seen(chunk: string): boolean {
    let after = this.afterParen;
    let hit = false;
    for (let j = 0; j < chunk.length && !hit; j++) {
      const c = chunk.charCodeAt(j);
      if (c === 0x29) after = true;
      else if (after && c === 0x5d) hit = true;
      else if (after && !WS_CHAR.test(chunk[j] ?? '')) after = false;
    }
    this.afterParen = after;
    return hit;
  }
}

/**
 * States: `scan` emits text up to a possible block; `candidate` holds a head seen in plain text
 * until its block closes, then decides at once; `hold` (special tokens involved) decides at
 * finish on the held text; after a decision, `strip` removes special tokens from the rest as
 * SMG's sequential replace does (success) and `pass` emits it unchanged (failure).
 */
function createPythonicStream(): ToolStreamParser {
  const out = new StepBuilder();
  let mode: 'scan' | 'candidate' | 'hold' | 'strip' | 'pass' = 'scan';
  let buf = '';
  let tailFrom = 0; // where the next search for `)\s*]` in a candidate resumes
  let tokenFrom = 0; // where the next search for a special token resumes
  const strippers = [new TokenStripper(SPECIAL[0]), new TokenStripper(SPECIAL[1])] as const;
  const closer = new CloserWatch();

  function scan(): void {
    const h = holdFrom(buf);
    const keep = h !== undefined ? buf.length - h.cut : partialMarkerSuffix(buf, SPECIAL);
    out.text(buf.slice(0, buf.length - keep));
    buf = buf.slice(buf.length - keep);
    if (h?.kind === 'special') mode = 'hold';
    if (h?.kind === 'head') {
      HEAD.lastIndex = 0;
      HEAD.test(buf);
      tailFrom = HEAD.lastIndex;
      tokenFrom = 0;
      mode = 'candidate';
    }
  }

  /** The block of a head seen in plain text closes: decide (tokens nearby → hold to finish). */
  function candidate(): void {
    TAIL.lastIndex = tailFrom;
    const m = TAIL.exec(buf);
    const tokenAt = firstSpecial(buf, tokenFrom);
    tokenFrom = Math.max(0, buf.length - 16);
    if (m === null) {
      tailFrom = resumeTail(buf, tailFrom);
      closer.reset(tailFrom < buf.length);
      if (tokenAt >= 0) mode = 'hold';
      return;
    }
    const end = m.index + m[0].length;
    if (tokenAt >= 0 && tokenAt < end) {
      mode = 'hold';
      return;
    }
    let calls: ToolCall[] | undefined;
    try {
      calls = parsePythonCallList(buf.slice(0, end));
    } catch (e) {
      if (!(e instanceof PythonSyntaxError)) throw e;
    }
    if (calls === undefined) {
      mode = 'pass';
      out.text(buf);
    } else {
      for (const c of calls) out.call(c);
      mode = 'strip';
      const rest = buf.slice(end);
      buf = '';
      strip(rest, false);
    }
    buf = '';
  }

  function strip(text: string, final: boolean): void {
    out.text(strippers[1].push(strippers[0].push(text, final), final));
  }

  function step(chunk: string, final: boolean): ToolStreamStep {
    if (mode === 'pass') out.text(chunk);
    else if (mode === 'strip') strip(chunk, final);
    else {
      buf += chunk;
      const waiting = mode === 'candidate';
      if (mode === 'scan' && !final) scan();
      if (mode === 'candidate' && (!waiting || final || closer.seen(chunk))) candidate();
      if (final && (mode === 'scan' || mode === 'candidate' || mode === 'hold')) {
        const r = parsePythonic(buf);
        out.text(r.normalText);
        for (const c of r.calls) out.call(c);
        buf = '';
      }
    }
    return out.take();
  }

  return { push: (c) => step(c, false), finish: () => step('', true) };
}

export const pythonicParser: ToolParser = {
  name: 'pythonic',
  parse: (text) => parseWithStream(createPythonicStream(), text),
  stream: () => createPythonicStream(),
  hasMarkers: (text) => findPythonicBlock(stripSpecial(text)) !== undefined,
};
