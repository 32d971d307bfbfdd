import type { ToolParserVectors } from './types';

/** json: the first valid balanced JSON value in the text holds the call(s); the rest is normal text. */
export const jsonVectors: ToolParserVectors = {
  parser: 'json',
  vectors: [
    { kind: 'empty', title: 'empty text', text: '', expect: { normalText: '', calls: [] } },
    {
      kind: 'no_call',
      title: 'plain text',
      text: 'This is just plain text',
      expect: { normalText: 'This is just plain text', calls: [] },
    },
    {
      kind: 'one_call',
      title: 'one object, arguments compact',
      text: '{"name": "get_weather", "arguments": {"location": "San Francisco"}}',
      expect: {
        normalText: '',
        calls: [{ name: 'get_weather', arguments: '{"location":"San Francisco"}' }],
      },
    },
    {
      kind: 'one_call',
      title: '"parameters" stands in for "arguments"; "function" for "name"',
      text: '{"function": "calculate", "parameters": {"x": 10, "y": 20.0}}',
      expect: { normalText: '', calls: [{ name: 'calculate', arguments: '{"x":10,"y":20.0}' }] },
    },
    {
      kind: 'several_calls',
      title: 'an array of calls after text',
      text: 'Hello, here are the results: [{"name": "get_weather", "arguments": {"location": "Tokyo"}}, {"name": "search", "arguments": {"query": "news"}}]',
      expect: {
        normalText: 'Hello, here are the results: ',
        calls: [
          { name: 'get_weather', arguments: '{"location":"Tokyo"}' },
          { name: 'search', arguments: '{"query":"news"}' },
        ],
      },
    },
    {
      kind: 'text_around',
      title: 'text before and after the object is kept',
      text: 'I\'ll help you with that. {"name": "search", "arguments": {"query": "rust"}} Let me search for that.',
      expect: {
        normalText: "I'll help you with that.  Let me search for that.",
        calls: [{ name: 'search', arguments: '{"query":"rust"}' }],
      },
    },
    {
      kind: 'text_around',
      title: 'an object without a name is cut out but yields no call',
      text: 'a {"x": 1} b',
      expect: { normalText: 'a  b', calls: [] },
    },
    {
      kind: 'malformed',
      title: 'unterminated object: whole text',
      text: '{"name": "test", "arguments": {"key": "value"',
      expect: { normalText: '{"name": "test", "arguments": {"key": "value"', calls: [] },
    },
    {
      kind: 'malformed',
      title: 'an invalid candidate is skipped and the next one used',
      text: '{not json} then {"name": "search", "arguments": {}}',
      expect: { normalText: '{not json} then ', calls: [{ name: 'search', arguments: '{}' }] },
    },
    {
      kind: 'malformed',
      title: 'a quote in prose hides the JSON that follows',
      text: 'He said "hi {"name": "search"}',
      expect: { normalText: 'He said "hi {"name": "search"}', calls: [] },
    },
    {
      kind: 'malformed',
      title: 'a mismatched bracket abandons the candidate',
      text: '{"a": [1}, {"name": "search"}',
      expect: { normalText: '{"a": [1}, ', calls: [{ name: 'search', arguments: '{}' }] },
    },
    {
      kind: 'malformed',
      title: 'a non-string name is skipped',
      text: '[{"name": 5}, {"name": "search", "arguments": null}]',
      expect: { normalText: '', calls: [{ name: 'search', arguments: 'null' }] },
    },
    {
      kind: 'unicode',
      title: 'unicode and escapes survive re-serialisation',
      text: '{"name": "translate", "arguments": {"text": "Hello 世界 🌍", "path": "C:\\\\Users\\ttab", "e": "\\u00e9\\ud83d\\ude0a"}}',
      expect: {
        normalText: '',
        calls: [
          {
            name: 'translate',
            arguments: '{"text":"Hello 世界 🌍","path":"C:\\\\Users\\ttab","e":"é😊"}',
          },
        ],
      },
    },
    {
      kind: 'nested',
      title: 'nested arguments, repeated key keeps first position',
      text: '{"name": "f", "arguments": {"a": {"b": {"c": [1, {"d": []}]}}, "z": 1, "a": 2, "big": 18446744073709551616}}',
      expect: {
        normalText: '',
        calls: [{ name: 'f', arguments: '{"a":2,"z":1,"big":1.8446744073709552e19}' }],
      },
    },
  ],
};
