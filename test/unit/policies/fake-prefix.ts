import type { PrefixRouting } from '../../../src/policies/types';
import { testHash64 } from './fixtures';

/**
 * A plain-JS prefix index for policy tests: blocks are `blockChars` characters of the routing
 * text, hashes are chained, holders are sets; no capacity.
 */
export interface FakePrefix extends PrefixRouting {
  readonly recorded: Array<{ model: string; workerId: string; blocks: number }>;
  /** Text blocks whatever the model (tests call it without one). */
  hashes(text: string, model?: string): BigUint64Array;
}

export function createFakePrefix(blockChars = 4): FakePrefix {
  const holders = new Map<string, Set<string>>(); // `${model}/${hash}` → worker ids
  const recorded: Array<{ model: string; workerId: string; blocks: number }> = [];
  let last: BigUint64Array = new BigUint64Array(0);
  const prefix: FakePrefix = {
    recorded,
    lookup(text, model) {
      last = prefix.hashes(text, model);
      return prefix.match(model, last);
    },
    recordLookup(model, workerId) {
      prefix.record(model, workerId, last);
    },
    hashes(text) {
      const n = Math.floor(text.length / blockChars);
      const out = new BigUint64Array(n);
      let prev = 0n;
      for (let i = 0; i < n; i++) {
        prev = testHash64(`${prev}|${text.slice(i * blockChars, (i + 1) * blockChars)}`);
        out[i] = prev;
      }
      return out;
    },
    match(model, hashes) {
      const len = new Map<string, number>();
      hashes.forEach((h, i) => {
        for (const w of holders.get(`${model}/${h}`) ?? [])
          if ((len.get(w) ?? 0) === i) len.set(w, i + 1);
      });
      const best = [...len]
        .map(([workerId, blocks]) => ({ workerId, blocks }))
        .sort((a, b) => b.blocks - a.blocks);
      return { totalBlocks: hashes.length, best };
    },
    record(model, workerId, hashes) {
      recorded.push({ model, workerId, blocks: hashes.length });
      for (const h of hashes) {
        const k = `${model}/${h}`;
        let s = holders.get(k);
        if (!s) holders.set(k, (s = new Set()));
        s.add(workerId);
      }
    },
  };
  return prefix;
}
