/**
 * The tool-call parser contract (SMG's `tool_parser` crate, observable behaviour only).
 *
 * A parser turns raw model output into OpenAI tool calls. Every parser has a complete parse
 * (the reference for `POST /parse/function_call`) and an incremental one for streamed output
 * that accepts arbitrary chunk boundaries, a marker split across chunks included. An
 * incremental parser holds only the text it cannot decide yet (a possible marker prefix or an
 * unfinished call), never the whole output.
 */

/** One tool as the request lists it (OpenAI shape); parsers read names and parameter schemas. */
export interface ToolSpec {
  readonly type?: string;
  readonly function: {
    readonly name: string;
    readonly description?: string;
    /** JSON Schema of the arguments; used by parsers that convert string values to types. */
    readonly parameters?: unknown;
  };
}

/** A completed call. `arguments` is a JSON string, serialised as SMG emits it. */
export interface ToolCall {
  readonly name: string;
  readonly arguments: string;
}

/** Result of a complete parse. */
export interface ToolParseResult {
  /** Text outside calls, as SMG returns it in `remaining_text`. */
  readonly normalText: string;
  readonly calls: readonly ToolCall[];
}

/**
 * One piece of a streamed call, as SMG's `ToolCallItem`: the first item of a call carries its
 * name (and maybe the start of its arguments); later items carry argument text to append.
 */
export interface ToolCallDelta {
  /** 0-based index of the call within this response. */
  readonly index: number;
  /** Present on the first delta of a call only. */
  readonly name?: string;
  /** Argument JSON text to append (may be empty). */
  readonly argumentsDelta: string;
}

/** What one incremental step decided. */
export interface ToolStreamStep {
  /** Text certain to be normal (not part of any marker), to emit now. */
  readonly normalText: string;
  readonly calls: readonly ToolCallDelta[];
}

/** Per-stream state; create one per response. */
export interface ToolStreamParser {
  /** Feeds the next chunk; returns what became certain. */
  push(chunk: string): ToolStreamStep;
  /** End of stream: flushes what is still undecided (unfinished markup becomes normal text or a call, as SMG's complete parse would). */
  finish(): ToolStreamStep;
}

/** A tool-call parser. Implementations are stateless; stream state lives in ToolStreamParser. */
export interface ToolParser {
  /** SMG's parser name (`json`, `qwen`, …). */
  readonly name: string;
  /** Complete parse. Throws ToolParseError where SMG answers "Failed to parse function calls: …". */
  parse(text: string, tools: readonly ToolSpec[]): ToolParseResult;
  /** Starts an incremental parse of one response. */
  stream(tools: readonly ToolSpec[]): ToolStreamParser;
  /** Cheap check: could this text contain a call in this format (SMG's `has_tool_markers`)? */
  hasMarkers(text: string): boolean;
}

/** A parse that SMG reports as a failure (400 "Failed to parse function calls: <message>"). */
export class ToolParseError extends Error {
  override readonly name = 'ToolParseError';
}
