/**
 * `inkling` reasoning parser (SMG's InklingParser): Inkling/TML output is a sequence of typed
 * blocks opened by control tokens. `<|content_thinking|>` blocks are reasoning; text blocks and
 * JSON tool blocks (kept verbatim, control tokens included, for the tool parser) are normal;
 * message headers and headerless text-mode tool frames are dropped. Streaming holds only a
 * possible control-token prefix and gives the complete parse's result for every chunking.
 */
import { EMPTY_RESULT, checkBufferLimit } from './text';
import type { ReasoningParser, ReasoningResult, ReasoningStreamParser } from './types';

const CONTENT_THINKING = '<|content_thinking|>';
const CONTENT_TEXT = '<|content_text|>';
const INVOKE_TOOL_JSON = '<|content_invoke_tool_json|>';
const INVOKE_TOOL_TEXT = '<|content_invoke_tool_text|>';
const END_SAMPLING = '<|content_model_end_sampling|>';
const END_MESSAGE = '<|end_message|>';
const MESSAGE_MODEL = '<|message_model|>';

/** The Inkling TMLv0 control tokens, in SMG's order. */
const CONTROL_TOKENS: readonly string[] = [
  '<|endoftext|>',
  '<|message_user|>',
  MESSAGE_MODEL,
  '<|message_system|>',
  '<|message_tool|>',
  CONTENT_TEXT,
  '<|content_image|>',
  END_SAMPLING,
  CONTENT_THINKING,
  '<|content_audio_input|>',
  '<|content_tool_error|>',
  '<|content_xml|>',
  INVOKE_TOOL_JSON,
  INVOKE_TOOL_TEXT,
  END_MESSAGE,
  '<|audio_end|>',
];
const LONGEST = Math.max(...CONTROL_TOKENS.map((t) => t.length));

type Block = 'header' | 'reasoning' | 'content' | 'tool' | 'unsupported_tool' | undefined;

function isEnd(token: string): boolean {
  return token === END_MESSAGE || token === END_SAMPLING;
}

class InklingStream implements ReasoningStreamParser {
  private block: Block = undefined;
  private held = '';
  private normal = '';
  private reasoning = '';

  push(chunk: string): ReasoningResult {
    checkBufferLimit(chunk, this.held.length);
    const text = this.held.length > 0 ? this.held + chunk : chunk;
    this.held = '';
    this.scan(text, false);
    return this.take();
  }

  finish(): ReasoningResult {
    const text = this.held;
    this.held = '';
    this.scan(text, true);
    return this.take();
  }

  private take(): ReasoningResult {
    if (this.normal.length === 0 && this.reasoning.length === 0) return EMPTY_RESULT;
    const out = { normalText: this.normal, reasoningText: this.reasoning };
    this.normal = '';
    this.reasoning = '';
    return out;
  }

  private scan(text: string, finalize: boolean): void {
    let pos = 0;
    let from = pos;
    while (pos < text.length) {
      const lt = text.indexOf('<', from);
      if (lt < 0) break;
      const token = CONTROL_TOKENS.find((t) => text.startsWith(t, lt));
      if (token !== undefined) {
        this.emit(text.slice(pos, lt));
        this.control(token);
        pos = lt + token.length;
        from = pos;
        continue;
      }
      const rest = text.length - lt;
      if (rest < LONGEST && CONTROL_TOKENS.some((t) => t.startsWith(text.slice(lt)))) {
        this.emit(text.slice(pos, lt));
        if (finalize) this.emit(text.slice(lt));
        else this.held = text.slice(lt);
        return;
      }
      from = lt + 1;
    }
    this.emit(text.slice(pos));
  }

  private emit(text: string): void {
    if (text.length === 0) return;
    if (this.block === 'reasoning') this.reasoning += text;
    else if (this.block !== 'header' && this.block !== 'unsupported_tool') this.normal += text;
  }

  private control(token: string): void {
    if (token === MESSAGE_MODEL) {
      this.block = 'header';
    } else if (token === INVOKE_TOOL_JSON) {
      this.block = 'tool';
      this.normal += token;
    } else if (token === INVOKE_TOOL_TEXT) {
      // A headerless text-mode invocation has no lossless OpenAI shape: the frame is dropped.
      this.block = 'unsupported_tool';
    } else if (this.block === 'tool') {
      this.normal += token;
      if (isEnd(token)) this.block = undefined;
    } else if (this.block === 'unsupported_tool') {
      if (isEnd(token)) this.block = undefined;
    } else if (token === CONTENT_THINKING) {
      this.block = 'reasoning';
    } else if (token === CONTENT_TEXT) {
      this.block = 'content';
    } else if (isEnd(token)) {
      this.block = undefined;
    }
  }
}

export const inklingParser: ReasoningParser = {
  name: 'inkling',
  parse(text) {
    checkBufferLimit(text);
    const stream = new InklingStream();
    const first = stream.push(text);
    const rest = stream.finish();
    return {
      normalText: first.normalText + rest.normalText,
      reasoningText: first.reasoningText + rest.reasoningText,
    };
  },
  stream: () => new InklingStream(),
};
