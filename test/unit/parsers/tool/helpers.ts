/** Small helpers of the per-parser unit tests. */
import { toolParser } from '../../../../src/parsers/tool';
import type { ToolParser, ToolSpec, ToolStreamStep } from '../../../../src/parsers/tool/types';

export const TOOLS: readonly ToolSpec[] = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      parameters: {
        type: 'object',
        properties: {
          location: { type: 'string' },
          days: { type: 'integer' },
          metric: { type: 'boolean' },
        },
      },
    },
  },
];

export function parserNamed(name: string): ToolParser {
  const p = toolParser(name);
  if (p === undefined) throw new Error(`no parser ${name}`);
  return p;
}

/** Steps of feeding `chunks` (no finish). */
export function feed(
  parser: ToolParser,
  chunks: readonly string[],
  tools = TOOLS,
): { steps: ToolStreamStep[]; finish: () => ToolStreamStep } {
  const s = parser.stream(tools);
  const steps = chunks.map((c) => s.push(c));
  return { steps, finish: () => s.finish() };
}

/** Concatenated normal text of steps. */
export const textOf = (steps: readonly ToolStreamStep[]): string =>
  steps.map((s) => s.normalText).join('');

/** Names of the calls started in steps. */
export const namesOf = (steps: readonly ToolStreamStep[]): string[] =>
  steps.flatMap((s) => s.calls.flatMap((c) => (c.name === undefined ? [] : [c.name])));
