/**
 * `kimik2` (Kimi K2), SMG's `KimiK2Parser`:
 *
 *   <|tool_calls_section_begin|><|tool_call_begin|>functions.NAME:IDX<|tool_call_argument_begin|>{…}
 *   <|tool_call_end|>…<|tool_calls_section_end|>
 *
 * - no `<|tool_calls_section_begin|>` → the whole text is normal text;
 * - a call is `<|tool_call_begin|>\s*ID\s*<|tool_call_argument_begin|>\s*{…}\s*<|tool_call_end|>`
 *   where ID is `[\w.]+:\d+` (Unicode classes, as Rust's regex) and the arguments run lazily to
 *   the first `}` that only whitespace separates from `<|tool_call_end|>`; the arguments are
 *   kept verbatim when they are valid JSON (else the call is skipped); the name is the ID
 *   without `functions.` and `:IDX` (a non-ASCII or too large IDX skips the call);
 * - normal text is the text before the section marker; text after it is dropped, but when no
 *   call is found the whole text is returned.
 *
 * Known divergence: SMG's regex also accepts calls placed before the section marker; here only
 * calls after it count (the K2 template never produces the former).
 */
import type { ToolCall, ToolParser, ToolStreamStep } from './types';
import { tryParseJson } from './common/json';
import { skipRustWhitespace } from './common/lazy-scan';
import { partialMarkerSuffix } from './common/markers';
import { parseWithStream, StepBuilder } from './common/stream';
import { isRustWhitespaceCode } from './common/text';
import { batchWhileWaiting, waitHint, type HintedStream } from './common/wait-batch';

const SECTION = '<|tool_calls_section_begin|>';
const BEGIN = '<|tool_call_begin|>';
const ARGS = '<|tool_call_argument_begin|>';
const END = '<|tool_call_end|>';
const WORD_OR_DOT_RUN = /[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}.]*/uy;
const DIGIT_RUN = /\p{Nd}*/uy;
const USIZE_MAX = 18446744073709551615n;

type Header = { brace: number; id: string } | 'fail' | 'more';

/** End of the run matching the sticky `re` from `i`, or -1 when it reaches the end (undecided). */
function runEnd(s: string, i: number, re: RegExp): number {
  re.lastIndex = i;
  const m = re.exec(s);
  const j = i + (m?.[0].length ?? 0);
  if (j === s.length) return -1;
  const c = s.charCodeAt(j);
  if (j === s.length - 1 && c >= 0xd800 && c <= 0xdbff) return -1; // half a surrogate pair: wait
  return j;
}

/** Matches `\s*[\w.]+:\d+\s*<|tool_call_argument_begin|>\s*\{` at `pos`. */
function header(s: string, pos: number): Header {
  const i = skipRustWhitespace(s, pos);
  const j = runEnd(s, i, WORD_OR_DOT_RUN);
  if (j < 0) return 'more';
  if (j === i || s.charCodeAt(j) !== 0x3a) return 'fail';
  const k = runEnd(s, j + 1, DIGIT_RUN);
  if (k < 0) return 'more';
  if (k === j + 1) return 'fail';
  const m = skipRustWhitespace(s, k);
  if (s.length - m < ARGS.length) return ARGS.startsWith(s.slice(m)) ? 'more' : 'fail';
  if (!s.startsWith(ARGS, m)) return 'fail';
  const n = skipRustWhitespace(s, m + ARGS.length);
  if (n === s.length) return 'more';
  return s.charCodeAt(n) === 0x7b ? { brace: n, id: s.slice(i, k) } : 'fail';
}

/** `^(?:functions\.)?([\w.]+):(\d+)$` → the name, or undefined when the index is not a usize. */
function nameOf(id: string): string | undefined {
  const colon = id.indexOf(':');
  const before = id.slice(0, colon);
  const index = id.slice(colon + 1);
  if (!/^[0-9]+$/.test(index) || BigInt(index) > USIZE_MAX) return undefined;
  return before.startsWith('functions.') && before.length > 'functions.'.length
    ? before.slice('functions.'.length)
    : before;
}

function createKimiK2Stream(): HintedStream {
  const out = new StepBuilder();
  let started = false;
  let buf = '';
  let pending: string[] = [];
  let head: Header | undefined; // header of the call starting at buf[0], once decided
  let endFrom = 0; // next index to look for END in the current call

  const consume = (n: number): void => {
    if (out.count === 0 && n > 0) pending.push(buf.slice(0, n));
    buf = buf.slice(n);
    head = undefined;
    endFrom = 0;
  };

  /** Index just past the first END whose preceding non-space character is a `}` after the brace. */
  const matchEnd = (brace: number): { close: number; end: number } | undefined => {
    for (;;) {
      const q = buf.indexOf(END, Math.max(endFrom, brace + 1));
      if (q < 0) {
        endFrom = Math.max(endFrom, buf.length - END.length + 1);
        return undefined;
      }
      let p = q - 1;
      while (p > brace && isRustWhitespaceCode(buf.charCodeAt(p))) p--;
      if (p > brace && buf.charCodeAt(p) === 0x7d) return { close: p + 1, end: q + END.length };
      endFrom = q + 1;
    }
  };

  const calls = (final: boolean): void => {
    for (;;) {
      const b = buf.indexOf(BEGIN);
      if (b < 0) {
        consume(buf.length - (final ? 0 : partialMarkerSuffix(buf, [BEGIN])));
        return;
      }
      if (b > 0) consume(b);
      if (head === undefined || head === 'more') head = header(buf, BEGIN.length);
      if (head === 'more' && !final) return;
      if (head === 'fail' || head === 'more') {
        consume(1);
        continue;
      }
      const m = matchEnd(head.brace);
      if (m === undefined) {
        if (final) consume(buf.length);
        return;
      }
      const name = nameOf(head.id);
      const args = buf.slice(head.brace, m.close);
      if (name !== undefined && tryParseJson(args) !== undefined) {
        const call: ToolCall = { name, arguments: args };
        if (out.count === 0) pending = [];
        out.call(call);
      }
      consume(m.end);
    }
  };

  const step = (chunk: string, final: boolean): ToolStreamStep => {
    buf += chunk;
    if (!started) {
      const s = buf.indexOf(SECTION);
      if (s >= 0) {
        out.text(buf.slice(0, s));
        buf = buf.slice(s);
        started = true;
      } else {
        const hold = final ? 0 : partialMarkerSuffix(buf, [SECTION]);
        out.text(buf.slice(0, buf.length - hold));
        buf = buf.slice(buf.length - hold);
      }
    }
    if (started) calls(final);
    if (final && started && out.count === 0) {
      out.text(pending.join('') + buf);
      pending = [];
      buf = '';
    }
    return out.take();
  };

  return {
    push: (chunk) => step(chunk, false),
    finish: () => step('', true),
    waitingFor: () => (typeof head === 'object' ? waitHint(END, buf) : undefined),
  };
}

export const kimiK2Parser: ToolParser = {
  name: 'kimik2',
  parse: (text) => parseWithStream(createKimiK2Stream(), text),
  stream: () => batchWhileWaiting(createKimiK2Stream()),
  hasMarkers: (text) => text.includes(SECTION),
};
