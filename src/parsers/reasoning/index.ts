/**
 * The reasoning parser registry: SMG's parser names → implementations, one file per parser.
 */
import type { ReasoningParser } from './types';
import { baseParser } from './base';
import { passthroughParser } from './passthrough';
import { deepseekR1Parser } from './deepseek-r1';
import { qwen3Parser } from './qwen3';
import { qwen3ThinkingParser } from './qwen3-thinking';
import { kimiParser } from './kimi';
import { glm45Parser } from './glm45';
import { step3Parser } from './step3';
import { minimaxParser } from './minimax';
import { cohereCmdParser } from './cohere-cmd';
import { nanoV3Parser } from './nano-v3';
import { inklingParser } from './inkling';
import { deepseekV31Parser } from './deepseek-v31';
import { kimiK25Parser } from './kimi-k25';
import { kimiThinkingParser } from './kimi-thinking';
import { kimiK3Parser } from './kimi-k3';

export type { ReasoningParser, ReasoningResult, ReasoningStreamParser } from './types';
export { ReasoningParseError } from './types';

const REASONING_PARSERS: ReadonlyMap<string, ReasoningParser> = new Map<string, ReasoningParser>([
  ['base', baseParser],
  ['passthrough', passthroughParser],
  ['deepseek_r1', deepseekR1Parser],
  ['qwen3', qwen3Parser],
  ['qwen3_thinking', qwen3ThinkingParser],
  ['kimi', kimiParser],
  ['glm45', glm45Parser],
  ['step3', step3Parser],
  ['minimax', minimaxParser],
  ['cohere_cmd', cohereCmdParser],
  ['nano_v3', nanoV3Parser],
  ['inkling', inklingParser],
  ['deepseek_v31', deepseekV31Parser],
  ['kimi_k25', kimiK25Parser],
  ['kimi_thinking', kimiThinkingParser],
  ['kimi_k3', kimiK3Parser],
]);

export function reasoningParser(name: string): ReasoningParser | undefined {
  return REASONING_PARSERS.get(name);
}

export function reasoningParserNames(): string[] {
  return [...REASONING_PARSERS.keys()];
}
