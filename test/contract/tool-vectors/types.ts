/**
 * Vectors of the shared tool-parser contract suite (test/contract/tool-parsers.test.ts).
 * One file per parser beside this one exports a ToolParserVectors; index.ts lists them all.
 * Every parser must cover each VectorKind at least once.
 */
import type { ToolCall, ToolSpec } from '../../../src/parsers/tool/types';

export const VECTOR_KINDS = [
  'empty',
  'no_call',
  'one_call',
  'several_calls',
  'text_around',
  'malformed',
  'unicode',
  'nested',
] as const;
export type VectorKind = (typeof VECTOR_KINDS)[number];

export interface ToolVector {
  readonly kind: VectorKind;
  /** What the vector shows, for the test title. */
  readonly title: string;
  readonly text: string;
  /** Tools passed to the parser; the suite uses a default weather/search pair when absent. */
  readonly tools?: readonly ToolSpec[];
  /** SMG's complete-parse result, or `error` when SMG answers "Failed to parse function calls". */
  readonly expect: { readonly normalText: string; readonly calls: readonly ToolCall[] } | 'error';
  /**
   * false where SMG's own streaming parse disagrees with its complete parse for this input; the
   * streaming property (chunked feeding equals the complete parse) is then not asserted.
   */
  readonly streamAgrees?: boolean;
}

export interface ToolParserVectors {
  readonly parser: string;
  readonly vectors: readonly ToolVector[];
}
