/**
 * Contract vectors for the `step3` tool parser. Every `expect` is the output of SMG's own
 * parser (tool_parser crate) for the same text and tools; `streamAgrees: false` marks inputs where
 * SMG's streaming parse, fed in chunks of 1, 2, 3, 5, 7, 11 chars or whole, ends with a different result.
 */
import type { ToolParserVectors } from './types';
import { TOOLS_B } from './tools-b';

export const step3Vectors: ToolParserVectors = {
  parser: 'step3',
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
      text: 'Step3 answers without tools.',
      tools: TOOLS_B,
      expect: { normalText: 'Step3 answers without tools.', calls: [] },
    },
    {
      kind: 'one_call',
      title: 'one call with inferred types',
      text: '<｜tool_calls_begin｜><｜tool_call_begin｜>function<｜tool_sep｜><steptml:invoke name="get_weather"><steptml:parameter name="city">Paris</steptml:parameter><steptml:parameter name="days">3</steptml:parameter></steptml:invoke><｜tool_call_end｜><｜tool_calls_end｜>',
      tools: TOOLS_B,
      expect: {
        normalText: '',
        calls: [{ name: 'get_weather', arguments: '{"city":"Paris","days":3}' }],
      },
      streamAgrees: false,
    },
    {
      kind: 'several_calls',
      title: 'two calls in one block',
      text: '<｜tool_calls_begin｜><｜tool_call_begin｜>function<｜tool_sep｜><steptml:invoke name="get_weather"><steptml:parameter name="city">Paris</steptml:parameter></steptml:invoke><｜tool_call_end｜><｜tool_call_begin｜>function<｜tool_sep｜><steptml:invoke name="search"><steptml:parameter name="query">news</steptml:parameter><steptml:parameter name="limit">10</steptml:parameter></steptml:invoke><｜tool_call_end｜><｜tool_calls_end｜>',
      tools: TOOLS_B,
      expect: {
        normalText: '',
        calls: [
          { name: 'get_weather', arguments: '{"city":"Paris"}' },
          { name: 'search', arguments: '{"query":"news","limit":10}' },
        ],
      },
      streamAgrees: false,
    },
    {
      kind: 'text_around',
      title: 'text before kept, text after dropped',
      text: 'Let me see. <｜tool_calls_begin｜><｜tool_call_begin｜>function<｜tool_sep｜><steptml:invoke name="search"><steptml:parameter name="query">rust</steptml:parameter></steptml:invoke><｜tool_call_end｜><｜tool_calls_end｜> Done.',
      tools: TOOLS_B,
      expect: {
        normalText: 'Let me see. ',
        calls: [{ name: 'search', arguments: '{"query":"rust"}' }],
      },
      streamAgrees: false,
    },
    {
      kind: 'malformed',
      title: 'non-function call type is skipped and the whole text returned',
      text: '<｜tool_calls_begin｜><｜tool_call_begin｜>code<｜tool_sep｜><steptml:invoke name="get_weather"><steptml:parameter name="city">Paris</steptml:parameter></steptml:invoke><｜tool_call_end｜><｜tool_calls_end｜>',
      tools: TOOLS_B,
      expect: {
        normalText:
          '<｜tool_calls_begin｜><｜tool_call_begin｜>code<｜tool_sep｜><steptml:invoke name="get_weather"><steptml:parameter name="city">Paris</steptml:parameter></steptml:invoke><｜tool_call_end｜><｜tool_calls_end｜>',
        calls: [],
      },
      streamAgrees: false,
    },
    {
      kind: 'malformed',
      title: 'unterminated block returns the whole text',
      text: 'Hmm <｜tool_calls_begin｜><｜tool_call_begin｜>function<｜tool_sep｜><steptml:invoke name="get_weather">',
      tools: TOOLS_B,
      expect: {
        normalText:
          'Hmm <｜tool_calls_begin｜><｜tool_call_begin｜>function<｜tool_sep｜><steptml:invoke name="get_weather">',
        calls: [],
      },
      streamAgrees: false,
    },
    {
      kind: 'malformed',
      title: 'Python literals and strings that look like numbers',
      text: '<｜tool_calls_begin｜><｜tool_call_begin｜>function<｜tool_sep｜><steptml:invoke name="search"><steptml:parameter name="query">007</steptml:parameter><steptml:parameter name="exact">False</steptml:parameter><steptml:parameter name="x">None</steptml:parameter><steptml:parameter name="r">2.50</steptml:parameter></steptml:invoke><｜tool_call_end｜><｜tool_calls_end｜>',
      tools: TOOLS_B,
      expect: {
        normalText: '',
        calls: [{ name: 'search', arguments: '{"query":7,"exact":false,"x":null,"r":2.5}' }],
      },
      streamAgrees: false,
    },
    {
      kind: 'unicode',
      title: 'non-ASCII values',
      text: '好的 <｜tool_calls_begin｜><｜tool_call_begin｜>function<｜tool_sep｜><steptml:invoke name="get_weather"><steptml:parameter name="city">São Paulo ☀️</steptml:parameter></steptml:invoke><｜tool_call_end｜><｜tool_calls_end｜>',
      tools: TOOLS_B,
      expect: {
        normalText: '好的 ',
        calls: [{ name: 'get_weather', arguments: '{"city":"São Paulo ☀️"}' }],
      },
      streamAgrees: false,
    },
    {
      kind: 'nested',
      title: 'JSON object value',
      text: '<｜tool_calls_begin｜><｜tool_call_begin｜>function<｜tool_sep｜><steptml:invoke name="search"><steptml:parameter name="query">q</steptml:parameter><steptml:parameter name="filters">{"k": [1, {"m": "n"}], "f": 1.0}</steptml:parameter></steptml:invoke><｜tool_call_end｜><｜tool_calls_end｜>',
      tools: TOOLS_B,
      expect: {
        normalText: '',
        calls: [
          { name: 'search', arguments: '{"query":"q","filters":{"k":[1,{"m":"n"}],"f":1.0}}' },
        ],
      },
      streamAgrees: false,
    },
  ],
};
