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
 * possible prefix of one) appears; from there the text is held and decided at finish, since
 * SMG's result depends on the whole remainder. Known divergence: a special token placed inside
 * a block's head (`[<|python_start|>f(…)]`) is only seen by the complete parse.
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

/**
 * Where to stop emitting: at a live candidate or special token (`live`: held until finish), or
 * at a `[` that could still grow into a candidate head (re-examined on the next chunk).
 */
function holdFrom(text: string): { cut: number; live: boolean } {
  let cut = -1;
  for (const t of SPECIAL) {
    const i = text.indexOf(t);
    if (i >= 0 && (cut < 0 || i < cut)) cut = i;
  }
  for (let p = text.indexOf('['); p >= 0 && (cut < 0 || p < cut); p = text.indexOf('[', p + 1)) {
    HEAD.lastIndex = p;
    if (HEAD.test(text)) return { cut: p, live: true };
    HEAD_PREFIX.lastIndex = p;
    if (HEAD_PREFIX.test(text)) return { cut: p, live: false };
  }
  return { cut, live: cut >= 0 };
}

function createPythonicStream(): ToolStreamParser {
  const out = new StepBuilder();
  let buf = '';
  let holding = false;

  function step(chunk: string, final: boolean): ToolStreamStep {
    buf += chunk;
    if (!holding && !final) {
      const { cut, live } = holdFrom(buf);
      const keep = cut >= 0 ? buf.length - cut : partialMarkerSuffix(buf, SPECIAL);
      out.text(buf.slice(0, buf.length - keep));
      buf = buf.slice(buf.length - keep);
      holding = live;
    }
    if (final) {
      const r = parsePythonic(buf);
      out.text(r.normalText);
      for (const c of r.calls) out.call(c);
      buf = '';
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
