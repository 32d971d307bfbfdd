/**
 * Renders each API's prompt into token ids, in order, so a conversation that extends an
 * earlier one yields a token sequence that extends the earlier sequence (shared prefix
 * blocks). Messages become `<|role|>` + content tokens; a final `<|assistant|>` marks the
 * generation prompt, as chat templates do.
 */
import { BadRequest } from './http-io';
import { isObject, isTokenIds, type Body } from './body-fields';
import { roleToken, tokenizeInto, type TokenBuffer } from './tokenizer';

/** Appends the text of a content value: a string, or an array of text-bearing parts. */
function contentInto(content: unknown, out: TokenBuffer): void {
  if (typeof content === 'string') {
    tokenizeInto(content, out);
    return;
  }
  if (!Array.isArray(content)) return;
  for (const part of content) {
    if (typeof part === 'string') tokenizeInto(part, out);
    else if (isObject(part)) {
      if (typeof part.text === 'string') tokenizeInto(part.text, out);
      // Anthropic tool_result blocks and Responses function_call_output carry nested content.
      else if (part.content !== undefined) contentInto(part.content, out);
      else if (typeof part.output === 'string') tokenizeInto(part.output, out);
    }
  }
}

function toolCallsInto(calls: unknown, out: TokenBuffer): void {
  if (!Array.isArray(calls)) return;
  for (const call of calls) {
    if (!isObject(call) || !isObject(call.function)) continue;
    const fn = call.function;
    if (typeof fn.name === 'string') tokenizeInto(fn.name, out);
    if (typeof fn.arguments === 'string') tokenizeInto(fn.arguments, out);
  }
}

function messageInto(m: unknown, index: number, out: TokenBuffer): void {
  if (!isObject(m)) throw new BadRequest(`messages[${index}] must be an object`);
  const role = typeof m.role === 'string' ? m.role : 'user';
  out.push(roleToken(role));
  contentInto(m.content, out);
  toolCallsInto(m.tool_calls, out);
}

/** OpenAI chat `messages`. */
export function renderChat(messages: unknown, out: TokenBuffer): void {
  if (!Array.isArray(messages)) throw new BadRequest("'messages' must be an array");
  for (let i = 0; i < messages.length; i++) messageInto(messages[i], i, out);
  out.push(roleToken('assistant'));
}

/** Anthropic Messages: optional `system` (string or text blocks), then `messages`. */
export function renderAnthropic(body: Body, out: TokenBuffer): void {
  if (body.system !== undefined && body.system !== null) {
    out.push(roleToken('system'));
    contentInto(body.system, out);
  }
  renderChat(body.messages, out);
}

/** Responses API: optional `instructions`, then `input` (a string or a list of items). */
export function renderResponsesInput(body: Body, out: TokenBuffer): void {
  if (typeof body.instructions === 'string') {
    out.push(roleToken('system'));
    tokenizeInto(body.instructions, out);
  }
  const input = body.input;
  if (typeof input === 'string') {
    out.push(roleToken('user'));
    tokenizeInto(input, out);
  } else if (Array.isArray(input)) {
    for (let i = 0; i < input.length; i++) {
      const item: unknown = input[i];
      if (isObject(item) && item.role === undefined) {
        out.push(roleToken(typeof item.type === 'string' ? item.type : 'item'));
        contentInto([item], out);
      } else messageInto(item, i, out);
    }
  } else {
    throw new BadRequest("'input' must be a string or an array");
  }
  out.push(roleToken('assistant'));
}

/** A raw prompt: a string, or token ids used as they are. */
export function renderPrompt(prompt: unknown, out: TokenBuffer, field: string): void {
  if (typeof prompt === 'string') tokenizeInto(prompt, out);
  else if (isTokenIds(prompt)) for (const id of prompt) out.push(id);
  else throw new BadRequest(`'${field}' must be a string or an array of token ids`);
}

/**
 * Splits a completions-style prompt into items: a string or token-id array is one item; an
 * array of strings or of token-id arrays is a batch.
 */
export function promptItems(prompt: unknown, field: string): unknown[] {
  if (typeof prompt === 'string' || isTokenIds(prompt)) return [prompt];
  if (Array.isArray(prompt) && prompt.length > 0) return prompt;
  throw new BadRequest(`'${field}' must be a string, token ids, or a non-empty batch of those`);
}
