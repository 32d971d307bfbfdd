import os from 'node:os';
import type { Logger } from '../util/logger';
import type { TokenizerConfig } from '../config/tokenizer-config';
import type { TokenizersCall } from '../control/tokenizers-api';
import { createTokenizerPool, type TokenizerPool } from './pool';
import { loadTokenizer } from './load';
import { TokenizerReplica, type TokenizerSnapshot } from './replica';

export interface IngressTokenizers {
  readonly replica: TokenizerReplica;
  readonly pool: TokenizerPool;
  close(): Promise<void>;
}

/** A control-plane call (the ingress process's RPC client). */
export type ControlCall = (op: string, payload: unknown, timeoutMs?: number) => Promise<unknown>;

function isSnapshot(v: unknown): v is TokenizerSnapshot {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as TokenizerSnapshot).version === 'number' &&
    Array.isArray((v as TokenizerSnapshot).tokenizers)
  );
}

/**
 * One ingress process's tokenizers: a thread pool (threads start on first long input) and
 * the replica of the primary's registry, followed by long-polling the primary.
 */
export function startIngressTokenizers(opts: {
  config: TokenizerConfig;
  /** Ingress processes of the instance (the pool gets its share of the CPUs). */
  processes: number;
  call: ControlCall;
  logger: Logger;
}): IngressTokenizers {
  const { config } = opts;
  const threads =
    config.threads ??
    Math.max(1, Math.floor(os.availableParallelism() / Math.max(1, opts.processes)));
  const pool = createTokenizerPool({ threads });
  const ask = async (payload: TokenizersCall, timeoutMs?: number): Promise<TokenizerSnapshot> => {
    const s = await opts.call('tokenizers', payload, timeoutMs);
    if (!isSnapshot(s)) throw new Error('malformed tokenizer registry snapshot');
    return s;
  };
  const replica = new TokenizerReplica({
    watch: (since) => ask({ kind: 'watch', since }, 60_000),
    fetch: () => ask({ kind: 'snapshot' }),
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
