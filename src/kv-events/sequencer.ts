/**
 * Sequence tracking for one event source (one engine, one DP rank): decides, for each
 * batch's `seq`, whether to apply it, fetch what was missed (replay) or start over.
 * Pure: the subscriber feeds it and acts on the verdicts.
 *
 *  - the first batch seen, or seq === expected: apply;
 *  - seq > expected: a gap (the PUB socket dropped batches, or we were disconnected);
 *  - seq < expected: the publisher restarted (vLLM counts from 0 again) — its cache is new;
 *  - a replayed batch below expected is a duplicate; above it, the replay buffer did not
 *    reach back far enough and the missed batches are lost.
 */
export type SeqVerdict = 'apply' | 'gap' | 'restart' | 'duplicate' | 'lost';

export interface Sequencer {
  /** The next seq expected, or undefined before the first batch. */
  readonly expected: bigint | undefined;
  /** Verdict for a live batch; 'apply' and 'restart' advance `expected` past it. */
  live(seq: bigint): SeqVerdict;
  /** Verdict for a replayed batch; 'apply' and 'lost' advance `expected` past it. */
  replayed(seq: bigint): SeqVerdict;
  /** Expect `seq` next (a warm-up replay from the start of the publisher's buffer). */
  expect(seq: bigint): void;
  /** Forget everything (a new connection whose history is unknown). */
  reset(): void;
}

export function createSequencer(): Sequencer {
  let expected: bigint | undefined;
  return {
    get expected() {
      return expected;
    },
    live(seq) {
      if (expected === undefined || seq === expected) {
        expected = seq + 1n;
        return 'apply';
      }
      if (seq > expected) return 'gap';
      expected = seq + 1n;
      return 'restart';
    },
    replayed(seq) {
      if (expected === undefined) {
        expected = seq + 1n;
        return 'apply';
      }
      if (seq < expected) return 'duplicate';
      const verdict = seq === expected ? 'apply' : 'lost';
      expected = seq + 1n;
      return verdict;
    },
    expect(seq) {
      expected = seq;
    },
    reset() {
      expected = undefined;
    },
  };
}
