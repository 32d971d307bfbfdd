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
  /**
   * false where the streamed result cannot equal the complete parse with bounded memory (text
   * before a later start token, SMG's 4 MiB error which streaming applies per held buffer). SMG's
   * own streaming also disagrees there; collie's streaming matches the complete parse elsewhere,
   * trimming included.
   */
  readonly streamAgrees?: boolean;
}

export interface ReasoningParserVectors {
  readonly parser: string;
  readonly vectors: readonly ReasoningVector[];
  /** Text that puts the parser into reasoning (for the bounded-memory check); '' when always in reasoning. */
  readonly opening: string;
}
