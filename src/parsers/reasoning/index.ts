/**
 * The reasoning parser registry: SMG's parser names → implementations, one file per parser.
 */
import type { ReasoningParser } from './types';

export type { ReasoningParser, ReasoningResult, ReasoningStreamParser } from './types';
export { ReasoningParseError } from './types';

const REASONING_PARSERS: ReadonlyMap<string, ReasoningParser> = new Map<string, ReasoningParser>([
  // name → parser; one line per parser file
]);

export function reasoningParser(name: string): ReasoningParser | undefined {
  return REASONING_PARSERS.get(name);
}

export function reasoningParserNames(): string[] {
  return [...REASONING_PARSERS.keys()];
}
