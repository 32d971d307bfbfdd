import os from 'node:os';
import type { Logger } from '../util/logger';
import type { TokenizerConfig } from '../config/tokenizer-config';
import type { ControlCall } from '../cluster/control-protocol';
import { pollSource } from '../cluster/replicated';
import { createTokenizerPool, type TokenizerPool } from './pool';
import { loadTokenizer } from './load';
import { TokenizerReplica } from './replica';

export interface IngressTokenizers {
  readonly replica: TokenizerReplica;
  readonly pool: TokenizerPool;
  close(): Promise<void>;
}

/**
 * One ingress process's tokenizers: a thread pool (threads start on first long input) and
 * the replica of the primary's registry, followed by long-polling the primary.
 */
export function startIngressTokenizers(opts: {
  config: TokenizerConfig;
  /** Ingress processes of the instance (the pool gets its share of the CPUs). */
  processes: number;
  /** The control-plane client's call (the registry replicates over 'sync:tokenizers'). */
  call: ControlCall;
  logger: Logger;
}): IngressTokenizers {
  const { config } = opts;
  const threads =
    config.threads ??
    Math.max(1, Math.floor(os.availableParallelism() / Math.max(1, opts.processes)));
  const pool = createTokenizerPool({ threads });
  const replica = new TokenizerReplica({
    ...pollSource((req, timeoutMs) => opts.call('sync:tokenizers', req, timeoutMs)),
    load: (file) =>
      loadTokenizer(file, {
        pool,
        cache: config.cache,
        inlineThreshold: config.inlineThreshold,
      }),
    logger: opts.logger,
  });
  return {
    replica,
    pool,
    async close() {
      await replica.close();
      await pool.close();
    },
  };
}
