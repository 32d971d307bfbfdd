/**
 * Contract vectors for the `kimi_k3` tool parser. Every `expect` is the output of SMG's own
 * parser (tool_parser crate) for the same text and tools; `streamAgrees: false` marks inputs where
 * SMG's streaming parse, fed in chunks of 1, 2, 3, 5, 7, 11 chars or whole, ends with a different result.
 */
import type { ToolParserVectors } from './types';
import { TOOLS_B } from './tools-b';

export const kimiK3Vectors: ToolParserVectors = {
  parser: 'kimi_k3',
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
      text: 'Just an answer.',
      tools: TOOLS_B,
      expect: { normalText: 'Just an answer.', calls: [] },
    },
    {
      kind: 'no_call',
      title: 'response channel unwrapped',
      text: '<|open|>response<|sep|>The answer is 4.<|close|>response<|sep|><|close|>message<|sep|>',
      tools: TOOLS_B,
      expect: { normalText: 'The answer is 4.', calls: [] },
    },
    {
      kind: 'one_call',
      title: 'typed arguments',
      text: '<|open|>tools<|sep|><|open|>call tool="get_weather" index="1"<|sep|><|open|>argument key="city" type="string"<|sep|>Paris<|close|>argument<|sep|><|open|>argument key="days" type="integer"<|sep|>3<|close|>argument<|sep|><|close|>call<|sep|><|close|>tools<|sep|>',
      tools: TOOLS_B,
      expect: {
        normalText: '',
        calls: [{ name: 'get_weather', arguments: '{"city":"Paris","days":3}' }],
      },
    },
    {
      kind: 'several_calls',
      title: 'two calls',
      text: '<|open|>tools<|sep|><|open|>call tool="get_weather" index="1"<|sep|><|open|>argument key="city" type="string"<|sep|>Paris<|close|>argument<|sep|><|close|>call<|sep|><|open|>call tool="search" index="2"<|sep|><|open|>argument key="query" type="string"<|sep|>rust<|close|>argument<|sep|><|open|>argument key="limit" type="number"<|sep|>5<|close|>argument<|sep|><|close|>call<|sep|><|close|>tools<|sep|>',
      tools: TOOLS_B,
      expect: {
        normalText: '',
        calls: [
          { name: 'get_weather', arguments: '{"city":"Paris"}' },
          { name: 'search', arguments: '{"query":"rust","limit":5}' },
        ],
      },
    },
    {
      kind: 'text_around',
      title: 'response before the tools section',
      text: '<|open|>response<|sep|>Let me check.<|close|>response<|sep|><|open|>tools<|sep|><|open|>call tool="search" index="1"<|sep|><|open|>argument key="query" type="string"<|sep|>x<|close|>argument<|sep|><|close|>call<|sep|><|close|>tools<|sep|><|close|>message<|sep|>',
      tools: TOOLS_B,
      expect: {
        normalText: 'Let me check.',
        calls: [{ name: 'search', arguments: '{"query":"x"}' }],
      },
    },
    {
      kind: 'text_around',
      title: 'prefilled response channel: only its close is emitted',
      text: 'Checking now.<|close|>response<|sep|><|open|>tools<|sep|><|open|>call tool="search" index="1"<|sep|><|open|>argument key="query" type="string"<|sep|>y<|close|>argument<|sep|><|close|>call<|sep|><|close|>tools<|sep|>',
      tools: TOOLS_B,
      expect: {
        normalText: 'Checking now.',
        calls: [{ name: 'search', arguments: '{"query":"y"}' }],
      },
    },
    {
      kind: 'malformed',
      title: 'unterminated tools section keeps complete calls',
      text: 'ok <|open|>tools<|sep|><|open|>call tool="search" index="1"<|sep|><|open|>argument key="query" type="string"<|sep|>a<|close|>argument<|sep|><|close|>call<|sep|><|open|>call tool="get_weather" index="2"<|sep|>',
      tools: TOOLS_B,
      expect: { normalText: 'ok ', calls: [{ name: 'search', arguments: '{"query":"a"}' }] },
    },
    {
      kind: 'malformed',
      title: 'bad JSON for a typed argument falls back to the raw string',
      text: '<|open|>tools<|sep|><|open|>call tool="search" index="1"<|sep|><|open|>argument key="limit" type="integer"<|sep|>five<|close|>argument<|sep|><|open|>argument key="q" type="string"<|sep|>  spaced  <|close|>argument<|sep|><|close|>call<|sep|><|close|>tools<|sep|>',
      tools: TOOLS_B,
      expect: {
        normalText: '',
        calls: [{ name: 'search', arguments: '{"limit":"five","q":"  spaced  "}' }],
      },
    },
    {
      kind: 'malformed',
      title: 'call without a tool attribute is skipped',
      text: '<|open|>tools<|sep|><|open|>call index="1"<|sep|><|close|>call<|sep|><|open|>call tool="search" index="2"<|sep|><|close|>call<|sep|><|close|>tools<|sep|>',
      tools: TOOLS_B,
      expect: { normalText: '', calls: [{ name: 'search', arguments: '{}' }] },
    },
    {
      kind: 'unicode',
      title: 'escaped attributes and non-ASCII values',
      text: '<|open|>tools<|sep|><|open|>call tool="search" index="1"<|sep|><|open|>argument key="q&amp;a" type="string"<|sep|>naïve "κόσμε" 🌍<|close|>argument<|sep|><|close|>call<|sep|><|close|>tools<|sep|>',
      tools: TOOLS_B,
      expect: {
        normalText: '',
        calls: [{ name: 'search', arguments: '{"q&a":"naïve \\"κόσμε\\" 🌍"}' }],
      },
    },
    {
      kind: 'nested',
      title: 'object argument',
      text: '<|open|>tools<|sep|><|open|>call tool="search" index="1"<|sep|><|open|>argument key="filters" type="object"<|sep|>{"a": {"b": [1, 2, {"c": 1.50}]}}<|close|>argument<|sep|><|close|>call<|sep|><|close|>tools<|sep|>',
      tools: TOOLS_B,
      expect: {
        normalText: '',
        calls: [{ name: 'search', arguments: '{"filters":{"a":{"b":[1,2,{"c":1.5}]}}}' }],
      },
    },
  ],
};
