import { ConfigError } from './errors';
import { str } from './flag-kinds';
import { derive } from './schema';
import { reasoningParserNames } from '../parsers/reasoning';
import { toolParserNames } from '../parsers/tool';

/** A parser name known to collie, or `auto`. */
function parserName(flag: string, names: () => string[]) {
  return (value: string | undefined): string | undefined => {
    if (value === undefined || value === 'auto' || names().includes(value)) return value;
    throw new ConfigError(`${flag}: unknown parser '${value}' (auto, ${names().join(', ')})`);
  };
}

/**
 * Response-path parsing for HTTP engines that return raw model text (SMG's flags; SMG applies
 * them only in gRPC mode). Unset: answers pass through untouched.
 */
const PARSER_FLAGS = {
  tool: str('--tool-call-parser', {
    help: 'Turn tool calls in /v1/chat/completions answers into OpenAI tool_calls (buffered and streamed) with this parser, or `auto` to pick by model (requests with tools only; opt out per worker label collie.parsers=off or header x-collie-parsers: off)',
  }).to(parserName('--tool-call-parser', toolParserNames)),
  reasoning: str('--reasoning-parser', {
    help: 'Split thinking from /v1/chat/completions answers into reasoning_content with this parser, or `auto` to pick by model (same opt-outs; a request may send separate_reasoning: false)',
  }).to(parserName('--reasoning-parser', reasoningParserNames)),
};

export const PARSERS = derive(PARSER_FLAGS, (v) => v);
