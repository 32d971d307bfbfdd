/**
 * The parsers of one choice of one answer: reasoning first (it splits the thinking off), then
 * tool calls on what is left, both complete (buffered answers) and incremental (streams), with
 * the result in OpenAI's vocabulary (`content`, `reasoning_content`, `tool_calls`).
 */
import type { ReasoningParser, ReasoningStreamParser } from '../reasoning';
import type { ToolCallDelta, ToolParser, ToolSpec, ToolStreamParser } from '../tool';

/** What a choice runs: either parser may be absent (off, opted out, or passthrough). */
export interface ChoiceParsers {
  readonly reasoning?: ReasoningParser | undefined;
  readonly tool?: { readonly parser: ToolParser; readonly tools: readonly ToolSpec[] } | undefined;
  /** A fresh tool-call id (`call_…`). */
  readonly newId: () => string;
}

/** An OpenAI streamed tool-call delta. */
export interface OpenAiToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function: { name?: string; arguments: string };
}

/** An OpenAI tool call of a whole message. */
export interface OpenAiToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface ChoicePiece {
  content: string;
  reasoning: string;
  toolCalls: OpenAiToolCallDelta[];
}

export interface ParsedMessage {
  readonly content: string;
  readonly reasoning: string;
  readonly toolCalls: OpenAiToolCall[];
}

/**
 * Complete parse of one message's text. Parser errors propagate (the stage decides). The tool
 * parser runs on every text, as SMG's gRPC path does (no `hasMarkers` gate): a marker check is
 * narrower than some complete parses (json finds an object after leading text), and gating
 * would make the buffered answer differ from the stream and from /parse/function_call.
 */
export function parseMessage(p: ChoiceParsers, text: string): ParsedMessage {
  let content = text;
  let reasoning = '';
  if (p.reasoning) {
    const r = p.reasoning.parse(text);
    content = r.normalText;
    reasoning = r.reasoningText;
  }
  if (!p.tool) return { content, reasoning, toolCalls: [] };
  const t = p.tool.parser.parse(content, p.tool.tools);
  return {
    content: t.normalText,
    reasoning,
    toolCalls: t.calls.map((c) => ({
      id: p.newId(),
      type: 'function',
      function: { name: c.name, arguments: c.arguments },
    })),
  };
}

/** Incremental parse of one streamed choice. */
export class ChoiceStream {
  private readonly reasoning: ReasoningStreamParser | undefined;
  private readonly tool: ToolStreamParser | undefined;
  /** Some call was emitted (finish_reason becomes "tool_calls"). */
  sawCalls = false;

  constructor(private readonly p: ChoiceParsers) {
    this.reasoning = p.reasoning?.stream();
    this.tool = p.tool?.parser.stream(p.tool.tools);
  }

  push(text: string): ChoicePiece {
    if (!this.reasoning) return this.tools(text, false);
    const r = this.reasoning.push(text);
    const piece = this.tools(r.normalText, false);
    piece.reasoning = r.reasoningText;
    return piece;
  }

  finish(): ChoicePiece {
    if (!this.reasoning) return this.tools('', true);
    const r = this.reasoning.finish();
    const piece = this.tools(r.normalText, true);
    piece.reasoning = r.reasoningText;
    return piece;
  }

  private tools(text: string, end: boolean): ChoicePiece {
    if (!this.tool) return { content: text, reasoning: '', toolCalls: [] };
    let content = '';
    const calls: ToolCallDelta[] = [];
    if (text.length > 0) {
      const s = this.tool.push(text);
      content += s.normalText;
      calls.push(...s.calls);
    }
    if (end) {
      const s = this.tool.finish();
      content += s.normalText;
      calls.push(...s.calls);
    }
    if (calls.length > 0) this.sawCalls = true;
    return { content, reasoning: '', toolCalls: calls.map((c) => this.openAi(c)) };
  }

  private openAi(c: ToolCallDelta): OpenAiToolCallDelta {
    if (c.name === undefined) return { index: c.index, function: { arguments: c.argumentsDelta } };
    return {
      index: c.index,
      id: this.p.newId(),
      type: 'function',
      function: { name: c.name, arguments: c.argumentsDelta },
    };
  }
}
