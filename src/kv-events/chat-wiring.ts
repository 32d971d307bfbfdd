import type { GatewayMetrics } from '../metrics';
import type { TokenizerReplica } from '../tokenizer/replica';
import { createChatTokens, createTemplateLookup } from './chat-tokens';

/** Chat → exact token ids with this process's tokenizer replica; fallbacks are counted. */
export function chatTokensFor(
  replica: TokenizerReplica,
  metrics: GatewayMetrics,
): (body: Record<string, unknown>, model: string) => Uint32Array | undefined {
  const templateFor = createTemplateLookup((model) => replica.list().find((r) => r.name === model));
  return createChatTokens({
    templateFor,
    tokenizerFor: (model) => replica.loadedFor(model),
    onFallback: (reason) => metrics.kvEvents.incident('request', `chat_${reason}`),
  });
}
