import type { TokenizerRegistry } from '../control/tokenizer-registry';
import type { TokenizersCall } from '../control/tokenizers-api';
import type { Reply } from '../errors/gateway-error';
import type { RedisClient } from '../state/redis-client';
import type { Logger } from '../util/logger';
import type { HaKeys } from './keys';
import { startLwwSync, type LwwEntry } from './lww-sync';

/** A tokenizer registration as every instance replays it. */
export interface TokenizerInput {
  readonly name: string;
  readonly source: string;
  readonly chatTemplatePath?: string;
}

export interface TokenizerSync {
  /** Publishes what a /v1/tokenizers call changed; `before`: the name its id named. */
  afterCall(call: TokenizersCall, before: string | undefined, reply: Reply): void;
  /** Publishes the startup tokenizer (--tokenizer-path / --model-path). */
  registered(input: TokenizerInput): void;
  close(): void;
}

/**
 * The cluster-wide tokenizer registry: entries keyed by tokenizer name. Each instance runs
 * its own registration job for an entry (resolve, download when allowed, validate), so a
 * source must be reachable from every instance (a Hub id, or a path present on each host).
 */
export function startTokenizerSync(d: {
  readonly client: RedisClient;
  readonly keys: HaKeys;
  readonly registry: TokenizerRegistry;
  readonly node: string;
  readonly logger: Pick<Logger, 'debug'>;
}): TokenizerSync {
  const { registry } = d;
  const lww = startLwwSync<TokenizerInput>({
    client: d.client,
    hash: d.keys.tokenizers,
    version: d.keys.tokenizersVersion,
    node: d.node,
    logger: d.logger,
    adapter: {
      apply: (e) => apply(registry, e),
      local: () =>
        registry.list().map(
          (r) =>
            [
              r.name,
              {
                name: r.name,
                source: r.source,
                ...(r.chat_template_path !== undefined
                  ? { chatTemplatePath: r.chat_template_path }
                  : {}),
              },
            ] as const,
        ),
      parseInput: (v, key) => {
        if (typeof v !== 'object' || v === null) return undefined;
        const o = v as Record<string, unknown>;
        if (o['name'] !== key || typeof o['source'] !== 'string') return undefined;
        return v as TokenizerInput;
      },
    },
  });
  return {
    afterCall(call, before, reply) {
      if (call.method === 'POST' && reply.status === 202) {
        const b = call.body as { name: string; source: string; chat_template_path?: string };
        lww.put(b.name, {
          name: b.name,
          source: b.source,
          ...(b.chat_template_path !== undefined ? { chatTemplatePath: b.chat_template_path } : {}),
        });
      } else if (call.method === 'DELETE' && reply.status === 200 && before !== undefined) {
        lww.put(before, undefined);
      }
    },
    registered: (input) => lww.put(input.name, input),
    close: () => lww.close(),
  };
}

function apply(registry: TokenizerRegistry, e: LwwEntry<TokenizerInput>): void {
  if (e.deleted) {
    registry.remove(e.key);
    return;
  }
  if (!e.input || registry.find(e.key)) return;
  registry.submit(e.input.name, e.input.source, e.input.chatTemplatePath);
}
