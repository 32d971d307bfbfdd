/**
 * Contract vectors for the `cohere` tool parser. Every `expect` is the output of SMG's own
 * parser (tool_parser crate) for the same text and tools; `streamAgrees: false` marks inputs where
 * SMG's streaming parse, fed in chunks of 1, 2, 3, 5, 7, 11 chars or whole, ends with a different result.
 */
import type { ToolParserVectors } from './types';
import { TOOLS_B } from './tools-b';

export const cohereVectors: ToolParserVectors = {
  parser: 'cohere',
  vectors: [
    {
      kind: 'empty',
      title: 'empty input',
      text: '',
      tools: TOOLS_B,
      expect: { normalText: '', calls: [] },
    },
    {
      kind: 'no_call',
      title: 'response markers removed, text trimmed',
      text: '<|START_RESPONSE|>  Hello there!  <|END_RESPONSE|>',
      tools: TOOLS_B,
      expect: { normalText: 'Hello there!', calls: [] },
      streamAgrees: false,
    },
    {
      kind: 'one_call',
      title: 'tool_name and parameters',
      text: '<|START_ACTION|>{"tool_name": "get_weather", "parameters": {"city": "Paris", "days": 3}}<|END_ACTION|>',
      tools: TOOLS_B,
      expect: {
        normalText: '',
        calls: [{ name: 'get_weather', arguments: '{"city":"Paris","days":3}' }],
      },
      streamAgrees: false,
    },
    {
      kind: 'several_calls',
      title: 'array of calls',
      text: '<|START_ACTION|>[{"tool_name": "get_weather", "parameters": {"city": "Paris"}}, {"tool_name": "search", "parameters": {"query": "rust"}}]<|END_ACTION|>',
      tools: TOOLS_B,
      expect: {
        normalText: '',
        calls: [
          { name: 'get_weather', arguments: '{"city":"Paris"}' },
          { name: 'search', arguments: '{"query":"rust"}' },
        ],
      },
      streamAgrees: false,
    },
    {
      kind: 'several_calls',
      title: 'two action blocks with text between',
      text: '<|START_ACTION|>{"tool_name": "search", "parameters": {"query": "a"}}<|END_ACTION|> and <|START_ACTION|>{"name": "search", "arguments": {"query": "b"}}<|END_ACTION|>',
      tools: TOOLS_B,
      expect: {
        normalText: 'and',
        calls: [
          { name: 'search', arguments: '{"query":"a"}' },
          { name: 'search', arguments: '{"query":"b"}' },
        ],
      },
      streamAgrees: false,
    },
    {
      kind: 'text_around',
      title: 'text before and after kept',
      text: '<|START_RESPONSE|>Let me check.<|END_RESPONSE|>\n<|START_ACTION|>{"tool_name": "search", "parameters": {"query": "x"}}<|END_ACTION|>\n<|START_TEXT|>Done<|END_TEXT|> ',
      tools: TOOLS_B,
      expect: {
        normalText: 'Let me check.\n\nDone',
        calls: [{ name: 'search', arguments: '{"query":"x"}' }],
      },
      streamAgrees: false,
    },
    {
      kind: 'malformed',
      title: 'invalid JSON in the action is dropped',
      text: 'Before <|START_ACTION|>{"tool_name": broken}<|END_ACTION|> after',
      tools: TOOLS_B,
      expect: { normalText: 'Before  after', calls: [] },
      streamAgrees: false,
    },
    {
      kind: 'malformed',
      title: 'unterminated action stays as text',
      text: 'Before <|START_ACTION|>{"tool_name": "search"',
      tools: TOOLS_B,
      expect: { normalText: 'Before <|START_ACTION|>{"tool_name": "search"', calls: [] },
      streamAgrees: false,
    },
    {
      kind: 'malformed',
      title: 'call without a name is skipped; missing parameters become {}',
      text: '<|START_ACTION|>[{"parameters": {"a": 1}}, {"tool_name": "search"}]<|END_ACTION|>',
      tools: TOOLS_B,
      expect: { normalText: '', calls: [{ name: 'search', arguments: '{}' }] },
      streamAgrees: false,
    },
    {
      kind: 'unicode',
      title: 'non-ASCII parameters and END marker inside a string',
      text: '<|START_ACTION|>{"tool_name": "search", "parameters": {"query": "ünïcödé <|END_ACTION|> 🎉"}}<|END_ACTION|>',
      tools: TOOLS_B,
      expect: {
        normalText: '',
        calls: [{ name: 'search', arguments: '{"query":"ünïcödé <|END_ACTION|> 🎉"}' }],
      },
      streamAgrees: false,
    },
    {
      kind: 'nested',
      title: 'nested parameters with floats',
      text: '<|START_ACTION|>{"tool_name": "search", "parameters": {"filters": {"a": [1, 2.0, {"b": 1e2, "c": -0.0}]}, "limit": 18446744073709551615}}<|END_ACTION|>',
      tools: TOOLS_B,
      expect: {
        normalText: '',
        calls: [
          {
            name: 'search',
            arguments:
              '{"filters":{"a":[1,2.0,{"b":100.0,"c":-0.0}]},"limit":18446744073709551615}',
          },
        ],
      },
      streamAgrees: false,
    },
  ],
};
