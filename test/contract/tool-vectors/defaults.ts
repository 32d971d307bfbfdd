/** The tools the contract suite passes when a vector names none. */
import type { ToolSpec } from '../../../src/parsers/tool/types';

export const DEFAULT_TOOLS: readonly ToolSpec[] = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'Current weather for a city',
      parameters: {
        type: 'object',
        properties: {
          location: { type: 'string' },
          unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
          days: { type: 'integer' },
        },
        required: ['location'],
      },
    },
  },
  {
    type: 'function',
    function: {
      name: 'search',
      description: 'Web search',
      parameters: {
        type: 'object',
        properties: {
          query: { type: 'string' },
          limit: { type: 'number' },
          safe: { type: 'boolean' },
        },
        required: ['query'],
      },
    },
  },
];
