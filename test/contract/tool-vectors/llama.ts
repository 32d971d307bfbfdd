import type { ToolParserVectors } from './types';

const T = '<|python_tag|>';

/** llama (3.2): `<|python_tag|>` + JSON with `parameters`, `;`-separated; or a bare leading object. */
export const llamaVectors: ToolParserVectors = {
  parser: 'llama',
  vectors: [
    { kind: 'empty', title: 'empty text', text: '', expect: { normalText: '', calls: [] } },
    {
      kind: 'no_call',
      title: 'plain text',
      text: 'The answer is 42.',
      expect: { normalText: 'The answer is 42.', calls: [] },
    },
    {
      kind: 'one_call',
      title: 'after the python tag',
      text: `${T}{"name": "search", "parameters": {"query": "weather"}}`,
      expect: { normalText: '', calls: [{ name: 'search', arguments: '{"query":"weather"}' }] },
    },
    {
      kind: 'one_call',
      title: 'a bare object at the start (leading whitespace dropped)',
      text: '  \n{"name": "get_weather", "parameters": {"location": "Paris"}}  ',
      expect: {
        normalText: '',
        calls: [{ name: 'get_weather', arguments: '{"location":"Paris"}' }],
      },
    },
    {
      kind: 'one_call',
      title: '"arguments" is not read: the call has {}',
      text: `${T}{"name": "f", "arguments": {"a": 1}}`,
      expect: { normalText: '', calls: [{ name: 'f', arguments: '{}' }] },
    },
    {
      kind: 'several_calls',
      title: 'semicolon-separated calls; an invalid piece is skipped',
      text: `${T}{"name": "a", "parameters": {}}; oops ;{"name": "b", "parameters": {"x": 1}};`,
      expect: {
        normalText: '',
        calls: [
          { name: 'a', arguments: '{}' },
          { name: 'b', arguments: '{"x":1}' },
        ],
      },
    },
    {
      kind: 'text_around',
      title: 'text before the tag is kept',
      text: `Let me check. ${T}{"name": "search", "parameters": {"query": "q"}}`,
      expect: {
        normalText: 'Let me check. ',
        calls: [{ name: 'search', arguments: '{"query":"q"}' }],
      },
    },
    {
      kind: 'malformed',
      title: 'text after the JSON makes it invalid: whole text',
      text: `${T}{"name": "search"} and more`,
      expect: { normalText: `${T}{"name": "search"} and more`, calls: [] },
    },
    {
      kind: 'malformed',
      title: 'a semicolon inside a string splits the JSON: whole text',
      text: `${T}{"name": "search", "parameters": {"query": "a;b"}}`,
      expect: { normalText: `${T}{"name": "search", "parameters": {"query": "a;b"}}`, calls: [] },
    },
    {
      kind: 'malformed',
      title: 'a leading object followed by text: whole text',
      text: '{"name": "search"} is what I would call',
      expect: { normalText: '{"name": "search"} is what I would call', calls: [] },
    },
    {
      kind: 'unicode',
      title: 'unicode',
      text: `Größe ${T}{"name": "search", "parameters": {"query": "naïve 😀"}}`,
      expect: {
        normalText: 'Größe ',
        calls: [{ name: 'search', arguments: '{"query":"naïve 😀"}' }],
      },
    },
    {
      kind: 'nested',
      title: 'nested parameters',
      text: `${T}{"name": "f", "parameters": {"a": {"b": [{"c": [1, 2e-7]}]}}}`,
      expect: { normalText: '', calls: [{ name: 'f', arguments: '{"a":{"b":[{"c":[1,2e-7]}]}}' }] },
    },
  ],
};
