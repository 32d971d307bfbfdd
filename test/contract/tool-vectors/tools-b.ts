/** The tools every vector of tool-b's parsers passes (also what SMG's parsers were run with). */
import type { ToolSpec } from '../../../src/parsers/tool/types';

export const TOOLS_B: readonly ToolSpec[] = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      parameters: {
        type: 'object',
        properties: {
          city: { type: 'string' },
          days: { type: 'integer' },
          unit: { type: 'string' },
        },
      },
    },
  },
  {
    type: 'function',
    function: {
      name: 'search',
      parameters: {
        type: 'object',
        properties: {
          query: { type: 'string' },
          limit: { type: 'integer' },
          filters: { type: 'object' },
          exact: { type: 'boolean' },
        },
      },
    },
  },
];
