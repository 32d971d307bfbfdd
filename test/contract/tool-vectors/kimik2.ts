/**
 * Contract vectors for the `kimik2` tool parser. Every `expect` is the output of SMG's own
 * parser (tool_parser crate) for the same text and tools; `streamAgrees: false` marks inputs where
 * SMG's streaming parse, fed in chunks of 1, 2, 3, 5, 7, 11 chars or whole, ends with a different result.
 */
import type { ToolParserVectors } from './types';
import { TOOLS_B } from './tools-b';

export const kimik2Vectors: ToolParserVectors = {
  parser: 'kimik2',
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
      title: 'plain text',
      text: 'Kimi answers directly.',
      tools: TOOLS_B,
      expect: { normalText: 'Kimi answers directly.', calls: [] },
    },
    {
      kind: 'one_call',
      title: 'arguments kept verbatim',
      text: '<|tool_calls_section_begin|><|tool_call_begin|>functions.get_weather:0<|tool_call_argument_begin|>{"city": "Paris",  "days": 3}<|tool_call_end|><|tool_calls_section_end|>',
      tools: TOOLS_B,
      expect: {
        normalText: '',
        calls: [{ name: 'get_weather', arguments: '{"city": "Paris",  "days": 3}' }],
      },
      streamAgrees: false,
    },
    {
      kind: 'several_calls',
      title: 'two calls',
      text: '<|tool_calls_section_begin|><|tool_call_begin|>functions.get_weather:0<|tool_call_argument_begin|>{"city":"Paris"}<|tool_call_end|><|tool_call_begin|>functions.search:1<|tool_call_argument_begin|>{"query":"rust"}<|tool_call_end|><|tool_calls_section_end|>',
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
      kind: 'text_around',
      title: 'text before kept, text after dropped',
      text: 'Let me search. <|tool_calls_section_begin|><|tool_call_begin|>functions.search:0<|tool_call_argument_begin|>{"query": "x"}<|tool_call_end|><|tool_calls_section_end|> trailing',
      tools: TOOLS_B,
      expect: {
        normalText: 'Let me search. ',
        calls: [{ name: 'search', arguments: '{"query": "x"}' }],
      },
      streamAgrees: false,
    },
    {
      kind: 'malformed',
      title: 'invalid JSON arguments: whole text returned',
      text: '<|tool_calls_section_begin|><|tool_call_begin|>functions.get_weather:0<|tool_call_argument_begin|>{"city": Paris}<|tool_call_end|><|tool_calls_section_end|>',
      tools: TOOLS_B,
      expect: {
        normalText:
          '<|tool_calls_section_begin|><|tool_call_begin|>functions.get_weather:0<|tool_call_argument_begin|>{"city": Paris}<|tool_call_end|><|tool_calls_section_end|>',
        calls: [],
      },
      streamAgrees: false,
    },
    {
      kind: 'malformed',
      title: 'id without functions. prefix',
      text: '<|tool_calls_section_begin|><|tool_call_begin|>get_weather:3<|tool_call_argument_begin|>{"city": "Oslo"}<|tool_call_end|><|tool_calls_section_end|>',
      tools: TOOLS_B,
      expect: { normalText: '', calls: [{ name: 'get_weather', arguments: '{"city": "Oslo"}' }] },
      streamAgrees: false,
    },
    {
      kind: 'malformed',
      title: 'unterminated call',
      text: 'Calling <|tool_calls_section_begin|><|tool_call_begin|>functions.get_weather:0<|tool_call_argument_begin|>{"city": "Pa',
      tools: TOOLS_B,
      expect: {
        normalText:
          'Calling <|tool_calls_section_begin|><|tool_call_begin|>functions.get_weather:0<|tool_call_argument_begin|>{"city": "Pa',
        calls: [],
      },
      streamAgrees: false,
    },
    {
      kind: 'unicode',
      title: 'non-ASCII arguments',
      text: '好 <|tool_calls_section_begin|><|tool_call_begin|>functions.get_weather:0<|tool_call_argument_begin|>{"city": "北京 🌧"}<|tool_call_end|><|tool_calls_section_end|>',
      tools: TOOLS_B,
      expect: {
        normalText: '好 ',
        calls: [{ name: 'get_weather', arguments: '{"city": "北京 🌧"}' }],
      },
      streamAgrees: false,
    },
    {
      kind: 'nested',
      title: 'nested object arguments with inner braces',
      text: '<|tool_calls_section_begin|><|tool_call_begin|>functions.search:0<|tool_call_argument_begin|>{"query": "a}b", "filters": {"x": {"y": [1, {"z": 2}]}}}<|tool_call_end|><|tool_calls_section_end|>',
      tools: TOOLS_B,
      expect: {
        normalText: '',
        calls: [
          { name: 'search', arguments: '{"query": "a}b", "filters": {"x": {"y": [1, {"z": 2}]}}}' },
        ],
      },
      streamAgrees: false,
    },
  ],
};
