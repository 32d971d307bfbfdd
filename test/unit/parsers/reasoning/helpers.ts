import type { ReasoningResult, ReasoningStreamParser } from '../../../../src/parsers/reasoning';

/** Feeds `chunks` one by one and returns every step's result, then finish() last. */
export function steps(stream: ReasoningStreamParser, chunks: readonly string[]): ReasoningResult[] {
  const out = chunks.map((c) => ({ ...stream.push(c) }));
  out.push({ ...stream.finish() });
  return out;
}

export function joined(results: readonly ReasoningResult[]): ReasoningResult {
  return {
    normalText: results.map((r) => r.normalText).join(''),
    reasoningText: results.map((r) => r.reasoningText).join(''),
  };
}
