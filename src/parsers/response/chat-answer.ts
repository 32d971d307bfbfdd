/**
 * Rewrites a buffered `/v1/chat/completions` answer: each choice's `message.content` is split
 * into `content`, `reasoning_content` and `tool_calls`; `finish_reason` "stop" becomes
 * "tool_calls" when calls were found, and `content` becomes null when calls left no text.
 */
import { parseMessage, type ChoiceParsers } from './choice-parser';

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The rewritten body, or undefined when the answer is not a chat completion with text. */
export function rewriteChatAnswer(body: Buffer, parsers: ChoiceParsers): Buffer | undefined {
  let obj: unknown;
  try {
    obj = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!isObject(obj) || !Array.isArray(obj['choices'])) return undefined;
  let changed = false;
  for (const choice of obj['choices'] as unknown[]) {
    if (isObject(choice) && rewriteChoice(choice, parsers)) changed = true;
  }
  return changed ? Buffer.from(JSON.stringify(obj)) : undefined;
}

function rewriteChoice(choice: Json, parsers: ChoiceParsers): boolean {
  const message = choice['message'];
  if (!isObject(message) || typeof message['content'] !== 'string') return false;
  const r = parseMessage(parsers, message['content']);
  message['content'] = r.toolCalls.length > 0 && r.content === '' ? null : r.content;
  if (r.reasoning.length > 0) {
    const own = message['reasoning_content'];
    message['reasoning_content'] = (typeof own === 'string' ? own : '') + r.reasoning;
  }
  if (r.toolCalls.length > 0) {
    const own = message['tool_calls'];
    message['tool_calls'] = [...(Array.isArray(own) ? (own as unknown[]) : []), ...r.toolCalls];
    if (choice['finish_reason'] === 'stop') choice['finish_reason'] = 'tool_calls';
  }
  return true;
}
