import type { ToolParserVectors } from './types';

/** mistral: `[TOOL_CALLS] [ …array… ]`; normal text is what precedes the marker. */
export const mistralVectors: ToolParserVectors = {
  parser: 'mistral',
  vectors: [
    { kind: 'empty', title: 'empty text', text: '', expect: { normalText: '', calls: [] } },
    {
      kind: 'no_call',
      title: 'plain text',
      text: 'No tools here [x] {y}',
      expect: { normalText: 'No tools here [x] {y}', calls: [] },
    },
    {
      kind: 'one_call',
      title: 'one call',
      text: '[TOOL_CALLS] [{"name": "get_weather", "arguments": {"location": "Paris", "unit": "celsius"}}]',
      expect: {
        normalText: '',
        calls: [{ name: 'get_weather', arguments: '{"location":"Paris","unit":"celsius"}' }],
      },
    },
    {
      kind: 'several_calls',
      title: 'two calls; a nameless item is skipped',
      text: '[TOOL_CALLS] [{"name": "search", "arguments": {"query": "a"}}, {"arguments": {}}, {"name": "search"}]',
      expect: {
        normalText: '',
        calls: [
          { name: 'search', arguments: '{"query":"a"}' },
          { name: 'search', arguments: '{}' },
        ],
      },
    },
    {
      kind: 'text_around',
      title: 'text before kept, text after dropped',
      text: 'Let me check. [TOOL_CALLS] [{"name": "search", "arguments": {"query": "x]"}}] trailing',
      expect: {
        normalText: 'Let me check. ',
        calls: [{ name: 'search', arguments: '{"query":"x]"}' }],
      },
    },
    {
      kind: 'malformed',
      title: 'marker without the array opener',
      text: '[TOOL_CALLS]{"name": "search"}',
      expect: { normalText: '[TOOL_CALLS]{"name": "search"}', calls: [] },
    },
    {
      kind: 'malformed',
      title: 'invalid array JSON: whole text',
      text: 'x [TOOL_CALLS] [{"name": "search",}] y',
      expect: { normalText: 'x [TOOL_CALLS] [{"name": "search",}] y', calls: [] },
    },
    {
      kind: 'malformed',
      title: 'unclosed array: whole text',
      text: '[TOOL_CALLS] [{"name": "search", "arguments": {"query": "a"}}',
      expect: {
        normalText: '[TOOL_CALLS] [{"name": "search", "arguments": {"query": "a"}}',
        calls: [],
      },
    },
    {
      kind: 'malformed',
      title: 'a valid array without calls still drops the text after the marker',
      text: 'a [TOOL_CALLS] [1, 2] b',
      expect: { normalText: 'a ', calls: [] },
    },
    {
      kind: 'unicode',
      title: 'unicode',
      text: 'Voilà [TOOL_CALLS] [{"name": "search", "arguments": {"query": "café ☕ \\"q\\""}}]',
      expect: {
        normalText: 'Voilà ',
        calls: [{ name: 'search', arguments: '{"query":"café ☕ \\"q\\""}' }],
      },
    },
    {
      kind: 'nested',
      title: 'nested arrays inside arguments',
      text: '[TOOL_CALLS] [{"name": "f", "arguments": {"m": [[1, [2]], {"k": [3]}], "n": 1.50}}]',
      expect: {
        normalText: '',
        calls: [{ name: 'f', arguments: '{"m":[[1,[2]],{"k":[3]}],"n":1.5}' }],
      },
    },
  ],
};
