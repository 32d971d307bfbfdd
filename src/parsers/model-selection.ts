/**
 * Model → parser auto-selection, SMG's tables and tie rules (`tool_parser::factory` and
 * `reasoning_parser::factory`), for `--tool-call-parser auto` / `--reasoning-parser auto`.
 *
 * Tools: an exact key match first; else every pattern whose stem (the pattern minus one trailing
 * `*`) occurs in the model id, case-insensitively, and the longest stem wins; else `passthrough`.
 * SMG keeps the table in a hash map, so between two different parsers with equally long matching
 * stems its choice is unspecified; collie takes the first in table order.
 * Reasoning: the ordered list, case-insensitive substring, first match wins; else `passthrough`.
 */

/** SMG's tool-parser model table, in SMG's registration order. */
export const TOOL_MODEL_PATTERNS: readonly (readonly [pattern: string, parser: string])[] = [
  ['gpt-4*', 'json'],
  ['gpt-3.5*', 'json'],
  ['gpt-4o*', 'json'],
  ['claude-*', 'json'],
  ['mistral-*', 'mistral'],
  ['mixtral-*', 'mistral'],
  ['Qwen/Qwen3.5*', 'qwen_xml'],
  ['Qwen3.5*', 'qwen_xml'],
  ['qwen3.5*', 'qwen_xml'],
  ['qwen/qwen3.5*', 'qwen_xml'],
  ['Qwen/Qwen3-Coder*', 'qwen_xml'],
  ['Qwen3-Coder*', 'qwen_xml'],
  ['qwen3-coder*', 'qwen_xml'],
  ['qwen/qwen3-coder*', 'qwen_xml'],
  ['qwen*', 'qwen'],
  ['Qwen*', 'qwen'],
  ['llama-4*', 'pythonic'],
  ['meta-llama-4*', 'pythonic'],
  ['llama-3.2*', 'llama'],
  ['meta-llama-3.2*', 'llama'],
  ['llama-*', 'json'],
  ['meta-llama-*', 'json'],
  ['deepseek-v3*', 'deepseek'],
  ['deepseek-ai/DeepSeek-V3*', 'deepseek'],
  ['deepseek-v3.1*', 'deepseek31'],
  ['deepseek-ai/DeepSeek-V3.1*', 'deepseek31'],
  ['deepseek-v3.2-exp*', 'deepseek31'],
  ['deepseek-ai/DeepSeek-V3.2-Exp*', 'deepseek31'],
  ['deepseek-v3.2*', 'deepseek32'],
  ['deepseek-ai/DeepSeek-V3.2*', 'deepseek32'],
  ['deepseek-v4*', 'deepseek_v4'],
  ['deepseek-ai/DeepSeek-V4*', 'deepseek_v4'],
  ['deepseek-*', 'pythonic'],
  ['glm-4.5*', 'glm45_moe'],
  ['glm-4.6*', 'glm45_moe'],
  ['glm-4.7*', 'glm47_moe'],
  ['glm-5*', 'glm47_moe'],
  ['glm-*', 'json'],
  ['sarashina*', 'sarashina'],
  ['Sarashina*', 'sarashina'],
  ['step3*', 'step3'],
  ['Step-3*', 'step3'],
  ['kimi-k2*', 'kimik2'],
  ['Kimi-K2*', 'kimik2'],
  ['moonshot*/Kimi-K2*', 'kimik2'],
  ['kimi-k3*', 'kimi_k3'],
  ['Kimi-K3*', 'kimi_k3'],
  ['moonshot*/Kimi-K3*', 'kimi_k3'],
  ['kimi_k3*', 'kimi_k3'],
  ['Kimi_K3*', 'kimi_k3'],
  ['moonshot*/Kimi_K3*', 'kimi_k3'],
  ['inkling*', 'inkling'],
  ['Inkling*', 'inkling'],
  ['minimax*', 'minimax_m2'],
  ['MiniMax*', 'minimax_m2'],
  ['command-r*', 'cohere'],
  ['command-r-plus*', 'cohere'],
  ['command-a*', 'cohere'],
  ['c4ai-command*', 'cohere'],
  ['cohere*', 'cohere'],
  ['CohereForAI*', 'cohere'],
  ['gemini-*', 'json'],
  ['palm-*', 'json'],
  ['gemma-*', 'json'],
];

/** SMG's reasoning-parser model patterns, in order (first match wins). */
export const REASONING_MODEL_PATTERNS: readonly (readonly [pattern: string, parser: string])[] = [
  ['deepseek-r1', 'deepseek_r1'],
  ['deepseek-v3.1', 'deepseek_v31'],
  ['deepseek-v3-1', 'deepseek_v31'],
  ['qwen3-thinking', 'qwen3_thinking'],
  ['qwen-thinking', 'qwen3_thinking'],
  ['qwen3', 'qwen3'],
  ['qwen', 'qwen3'],
  ['glm45', 'glm45'],
  ['glm47', 'glm45'],
  ['glm-5', 'glm45'],
  ['kimi-k2-thinking', 'kimi_thinking'],
  ['kimi-k2.5', 'kimi_k25'],
  ['kimi-k3', 'kimi_k3'],
  ['kimi_k3', 'kimi_k3'],
  ['kimi', 'kimi'],
  ['step3', 'step3'],
  ['minimax', 'minimax'],
  ['minimax-m2', 'minimax'],
  ['mm-m2', 'minimax'],
  ['command-r', 'cohere_cmd'],
  ['command-a', 'cohere_cmd'],
  ['c4ai-command', 'cohere_cmd'],
  ['cohere', 'cohere_cmd'],
  ['nemotron-nano', 'nano_v3'],
  ['nemotron-super', 'nano_v3'],
  ['nano-v3', 'nano_v3'],
  ['inkling', 'inkling'],
];

export const FALLBACK_PARSER = 'passthrough';

interface Stem {
  readonly stem: string;
  readonly parser: string;
}

const TOOL_EXACT: ReadonlyMap<string, string> = new Map(TOOL_MODEL_PATTERNS);
const TOOL_STEMS: readonly Stem[] = TOOL_MODEL_PATTERNS.filter(([p]) => p.endsWith('*')).map(
  ([p, parser]) => ({ stem: p.slice(0, -1).toLowerCase(), parser }),
);
const REASONING_STEMS: readonly Stem[] = REASONING_MODEL_PATTERNS.map(([p, parser]) => ({
  stem: p.toLowerCase(),
  parser,
}));

/** The tool-call parser SMG picks for `model`. */
export function toolParserForModel(model: string): string {
  const exact = TOOL_EXACT.get(model);
  if (exact !== undefined) return exact;
  const lower = model.toLowerCase();
  let best: Stem | undefined;
  for (const s of TOOL_STEMS) {
    if ((best === undefined || s.stem.length > best.stem.length) && lower.includes(s.stem))
      best = s;
  }
  return best?.parser ?? FALLBACK_PARSER;
}

/** The reasoning parser SMG picks for `model`. */
export function reasoningParserForModel(model: string): string {
  const lower = model.toLowerCase();
  return REASONING_STEMS.find((s) => lower.includes(s.stem))?.parser ?? FALLBACK_PARSER;
}

export interface ParserSelector {
  tool(model: string): string;
  reasoning(model: string): string;
}

/**
 * Memoised selection for the response path (model ids repeat; the scan is ~60 substring tests).
 * At most `maxEntries` models are remembered per kind; past that the cache starts over.
 */
export function createParserSelector(maxEntries = 1024): ParserSelector {
  const memo = (pick: (model: string) => string): ((model: string) => string) => {
    const cache = new Map<string, string>();
    return (model) => {
      let hit = cache.get(model);
      if (hit === undefined) {
        if (cache.size >= maxEntries) cache.clear();
        hit = pick(model);
        cache.set(model, hit);
      }
      return hit;
    };
  };
  return { tool: memo(toolParserForModel), reasoning: memo(reasoningParserForModel) };
}
