/**
 * The tool-call parser registry: SMG's parser names → implementations. Each parser lives in its
 * own file beside this one and is added to TOOL_PARSERS by name.
 */
import { deepseekParser } from './deepseek';
import { deepseek31Parser } from './deepseek31';
import { deepseek32Parser } from './deepseek32';
import { jsonParser } from './json';
import { llamaParser } from './llama';
import { mistralParser } from './mistral';
import { passthroughParser } from './passthrough';
import { pythonicParser } from './pythonic';
import { qwenParser } from './qwen';
import { qwenCoderParser } from './qwen-coder';
import { qwenXmlParser } from './qwen-xml';
import { cohereParser } from './cohere';
import { deepseekV4Parser } from './deepseek-v4';
import { glm45MoeParser } from './glm45-moe';
import { glm47MoeParser } from './glm47-moe';
import { inklingParser } from './inkling';
import { kimiK3Parser } from './kimi-k3';
import { kimiK2Parser } from './kimik2';
import { minimaxM2Parser } from './minimax-m2';
import { sarashinaParser } from './sarashina';
import { step3Parser } from './step3';
import type { ToolParser } from './types';

export type {
  ToolParser,
  ToolSpec,
  ToolCall,
  ToolParseResult,
  ToolCallDelta,
  ToolStreamStep,
  ToolStreamParser,
} from './types';
export { ToolParseError } from './types';

/** Parsers are stateless, so one instance per name serves every request (SMG pools them per name). */
const TOOL_PARSERS: ReadonlyMap<string, ToolParser> = new Map<string, ToolParser>([
  // name → parser; one line per parser file
  ['passthrough', passthroughParser],
  ['json', jsonParser],
  ['mistral', mistralParser],
  ['qwen', qwenParser],
  ['qwen_xml', qwenXmlParser],
  ['qwen_coder', qwenCoderParser],
  ['pythonic', pythonicParser],
  ['llama', llamaParser],
  ['deepseek', deepseekParser],
  ['deepseek31', deepseek31Parser],
  ['deepseek32', deepseek32Parser],
  ['deepseek_v4', deepseekV4Parser],
  ['glm45_moe', glm45MoeParser],
  ['glm47_moe', glm47MoeParser],
  ['step3', step3Parser],
  ['sarashina', sarashinaParser],
  ['kimik2', kimiK2Parser],
  ['kimi_k3', kimiK3Parser],
  ['inkling', inklingParser],
  ['minimax_m2', minimaxM2Parser],
  ['cohere', cohereParser],
]);

/** The parser registered under `name`, or undefined. */
export function toolParser(name: string): ToolParser | undefined {
  return TOOL_PARSERS.get(name);
}

/** Every registered parser name, in registration order. */
export function toolParserNames(): string[] {
  return [...TOOL_PARSERS.keys()];
}
