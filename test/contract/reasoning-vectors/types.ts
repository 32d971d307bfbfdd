/**
 * Vectors of the shared reasoning-parser contract suite (test/contract/reasoning-parsers.test.ts).
 * One file per parser beside this one; index.ts lists them all.
 */
import type { ReasoningResult } from '../../../src/parsers/reasoning/types';

export interface ReasoningVector {
  readonly title: string;
  readonly text: string;
  /** SMG's complete-parse result, or `error` where SMG fails. */
  readonly expect: ReasoningResult | 'error';
  /** false where SMG's streaming parse disagrees with its complete parse for this input. */
  readonly streamAgrees?: boolean;
}

export interface ReasoningParserVectors {
  readonly parser: string;
  readonly vectors: readonly ReasoningVector[];
}
