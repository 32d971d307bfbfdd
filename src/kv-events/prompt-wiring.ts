import type { GatewayMetrics } from '../metrics';
import type { TokenizerReplica } from '../tokenizer/replica';
import { createTemplateLookup } from './chat-template';
import { createPromptTokens, type PromptTokens } from './prompt-tokens';

/**
 * Request → exact prompt token ids with this process's tokenizer replica (chat templates,
 * text prompts, carried ids); requests routed by prediction are counted per kind and reason.
 */
export function promptTokensFor(
  replica: TokenizerReplica,
  metrics: GatewayMetrics,
  inlineThreshold: number,
): PromptTokens {
  const templateFor = createTemplateLookup((model) => replica.list().find((r) => r.name === model));
  return createPromptTokens({
    templateFor,
    tokenizerFor: (model) => replica.loadedFor(model),
    onFallback: (label) => metrics.kvEvents.incident('request', label),
    inlineThreshold,
  });
}
