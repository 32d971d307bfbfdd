import { Packr } from 'msgpackr';

/**
 * Encoding of KV-event batches as vLLM publishes them (the mock engine's publisher, tests).
 * 'array': msgspec array_like structs — `[ts, [[tag, …fields], …], dp_rank]`;
 * 'map': tagged maps — `{ts, events: [{type, …fields}], data_parallel_rank}`.
 */
export const KV_EVENT_FORMATS = ['array', 'map'] as const;
export type KvEventFormat = (typeof KV_EVENT_FORMATS)[number];

/** An engine hash as published: a 64-bit int (bigint) or bytes. */
export type WireHash = bigint | Uint8Array;

export type WireEvent =
  | {
      readonly type: 'BlockStored';
      readonly block_hashes: readonly WireHash[];
      readonly parent_block_hash: WireHash | null;
      readonly token_ids: readonly number[];
      readonly block_size: number;
      readonly medium?: string | null;
      readonly lora_name?: string | null;
      readonly group_idx?: number;
      readonly kv_cache_spec_kind?: string;
    }
  | {
      readonly type: 'BlockRemoved';
      readonly block_hashes: readonly WireHash[];
      readonly medium?: string | null;
      readonly group_idx?: number;
    }
  | { readonly type: 'AllBlocksCleared' };

const packr = new Packr({ useRecords: false });

function eventArray(e: WireEvent): unknown[] {
  switch (e.type) {
    case 'BlockStored': {
      const out: unknown[] = [
        e.type,
        e.block_hashes,
        e.parent_block_hash,
        e.token_ids,
        e.block_size,
        null,
        e.medium ?? null,
        e.lora_name ?? null,
      ];
      if (e.group_idx !== undefined) out.push(null, e.group_idx, e.kv_cache_spec_kind ?? null);
      return out;
    }
    case 'BlockRemoved':
      return e.group_idx === undefined
        ? [e.type, e.block_hashes, e.medium ?? null]
        : [e.type, e.block_hashes, e.medium ?? null, e.group_idx];
    case 'AllBlocksCleared':
      return [e.type];
  }
}

export function encodeBatch(
  events: readonly WireEvent[],
  opts: { format: KvEventFormat; ts: number; dpRank?: number },
): Buffer {
  if (opts.format === 'array') {
    return packr.pack([opts.ts, events.map(eventArray), opts.dpRank ?? null]);
  }
  return packr.pack({
    ts: opts.ts,
    events,
    ...(opts.dpRank !== undefined ? { data_parallel_rank: opts.dpRank } : {}),
  });
}
