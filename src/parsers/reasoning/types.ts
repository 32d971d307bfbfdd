/**
 * The reasoning parser contract (SMG's `reasoning_parser` crate, observable behaviour only):
 * splits "thinking" from the answer. Complete parse is the reference for `POST /parse/reasoning`;
 * the incremental parse accepts arbitrary chunk boundaries and holds only a possible marker
 * prefix, never the whole text.
 */

export interface ReasoningResult {
  readonly normalText: string;
  readonly reasoningText: string;
}

/** Per-stream state; create one per response. */
export interface ReasoningStreamParser {
  /** Feeds the next chunk; returns the text that became certain, split by kind. */
  push(chunk: string): ReasoningResult;
  /** End of stream: flushes whatever is still held. */
  finish(): ReasoningResult;
}

export interface ReasoningParser {
  /** SMG's parser name (`deepseek_r1`, `qwen3`, …). */
  readonly name: string;
  /** Complete parse. Throws ReasoningParseError where SMG fails (input over the 4 MiB buffer limit). */
  parse(text: string): ReasoningResult;
  /** Starts an incremental parse of one response. */
  stream(): ReasoningStreamParser;
}

export class ReasoningParseError extends Error {
  override readonly name = 'ReasoningParseError';
}
