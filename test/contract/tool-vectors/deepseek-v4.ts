/**
 * Contract vectors for the `deepseek_v4` tool parser. Every `expect` is the output of SMG's own
 * parser (tool_parser crate) for the same text and tools; `streamAgrees: false` marks inputs where
 * SMG's streaming parse, fed in chunks of 1, 2, 3, 5, 7, 11 chars or whole, ends with a different result.
 */
import type { ToolParserVectors } from './types';
import { TOOLS_B } from './tools-b';

export const deepseekV4Vectors: ToolParserVectors = {
  parser: 'deepseek_v4',
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
      text: 'The weather in Paris is sunny today.',
      tools: TOOLS_B,
      expect: { normalText: 'The weather in Paris is sunny today.', calls: [] },
    },
    {
      kind: 'no_call',
      title: 'block name of V3.2 is not a V4 marker',
      text: '<｜DSML｜function_calls>\n<｜DSML｜invoke name="get_weather">\n<｜DSML｜parameter name="city" string="true">Paris</｜DSML｜parameter>\n</｜DSML｜invoke>\n</｜DSML｜function_calls>',
      tools: TOOLS_B,
      expect: {
        normalText:
          '<｜DSML｜function_calls>\n<｜DSML｜invoke name="get_weather">\n<｜DSML｜parameter name="city" string="true">Paris</｜DSML｜parameter>\n</｜DSML｜invoke>\n</｜DSML｜function_calls>',
        calls: [],
      },
      streamAgrees: false,
    },
    {
      kind: 'one_call',
      title: 'string and typed parameters',
      text: '<｜DSML｜tool_calls>\n<｜DSML｜invoke name="get_weather">\n<｜DSML｜parameter name="city" string="true">Paris</｜DSML｜parameter>\n<｜DSML｜parameter name="days" string="false">3</｜DSML｜parameter>\n</｜DSML｜invoke>\n</｜DSML｜tool_calls>',
      tools: TOOLS_B,
      expect: {
        normalText: '',
        calls: [{ name: 'get_weather', arguments: '{"city":"Paris","days":3}' }],
      },
      streamAgrees: false,
    },
    {
      kind: 'several_calls',
      title: 'two invokes in one block',
      text: '<｜DSML｜tool_calls>\n<｜DSML｜invoke name="get_weather">\n<｜DSML｜parameter name="city" string="true">Paris</｜DSML｜parameter>\n</｜DSML｜invoke>\n<｜DSML｜invoke name="search">\n<｜DSML｜parameter name="query" string="true">rust tutorials</｜DSML｜parameter>\n<｜DSML｜parameter name="limit" string="false">5</｜DSML｜parameter>\n</｜DSML｜invoke>\n</｜DSML｜tool_calls>',
      tools: TOOLS_B,
      expect: {
        normalText: '',
        calls: [
          { name: 'get_weather', arguments: '{"city":"Paris"}' },
          { name: 'search', arguments: '{"query":"rust tutorials","limit":5}' },
        ],
      },
      streamAgrees: false,
    },
    {
      kind: 'several_calls',
      title: 'two blocks, text between is dropped',
      text: '<｜DSML｜tool_calls>\n<｜DSML｜invoke name="get_weather">\n<｜DSML｜parameter name="city" string="true">Paris</｜DSML｜parameter>\n</｜DSML｜invoke>\n</｜DSML｜tool_calls>\nand then\n<｜DSML｜tool_calls>\n<｜DSML｜invoke name="get_weather">\n<｜DSML｜parameter name="city" string="true">Rome</｜DSML｜parameter>\n</｜DSML｜invoke>\n</｜DSML｜tool_calls>',
      tools: TOOLS_B,
      expect: {
        normalText: '',
        calls: [
          { name: 'get_weather', arguments: '{"city":"Paris"}' },
          { name: 'get_weather', arguments: '{"city":"Rome"}' },
        ],
      },
      streamAgrees: false,
    },
    {
      kind: 'text_around',
      title: 'text before (trailing space trimmed) and after (dropped)',
      text: 'Let me check that for you.\n\n<｜DSML｜tool_calls>\n<｜DSML｜invoke name="get_weather">\n<｜DSML｜parameter name="city" string="true">Tokyo</｜DSML｜parameter>\n</｜DSML｜invoke>\n</｜DSML｜tool_calls>\nDone.',
      tools: TOOLS_B,
      expect: {
        normalText: 'Let me check that for you.',
        calls: [{ name: 'get_weather', arguments: '{"city":"Tokyo"}' }],
      },
      streamAgrees: false,
    },
    {
      kind: 'malformed',
      title: 'unterminated block keeps only the text before it',
      text: 'Sure. <｜DSML｜tool_calls>\n<｜DSML｜invoke name="get_weather">\n<｜DSML｜parameter name="city" string="true">Paris</｜DSML｜parameter>\n</｜DSML｜invoke>\n',
      tools: TOOLS_B,
      expect: { normalText: 'Sure.', calls: [] },
      streamAgrees: false,
    },
    {
      kind: 'malformed',
      title: 'non-JSON value with string="false" becomes a string',
      text: '<｜DSML｜tool_calls>\n<｜DSML｜invoke name="get_weather">\n<｜DSML｜parameter name="city" string="true">Paris</｜DSML｜parameter>\n<｜DSML｜parameter name="days" string="false">three</｜DSML｜parameter>\n</｜DSML｜invoke>\n</｜DSML｜tool_calls>',
      tools: TOOLS_B,
      expect: {
        normalText: '',
        calls: [{ name: 'get_weather', arguments: '{"city":"Paris","days":"three"}' }],
      },
      streamAgrees: false,
    },
    {
      kind: 'malformed',
      title: 'direct JSON body is kept verbatim',
      text: '<｜DSML｜tool_calls>\n<｜DSML｜invoke name="search">\n{"query": "x",  "limit": 2}\n</｜DSML｜invoke>\n</｜DSML｜tool_calls>',
      tools: TOOLS_B,
      expect: {
        normalText: '',
        calls: [{ name: 'search', arguments: '{"query": "x",  "limit": 2}' }],
      },
      streamAgrees: false,
    },
    {
      kind: 'malformed',
      title: 'string="false" null is JSON null, not a string',
      text: '<｜DSML｜tool_calls>\n<｜DSML｜invoke name="search">\n<｜DSML｜parameter name="filters" string="false"> null </｜DSML｜parameter>\n</｜DSML｜invoke>\n</｜DSML｜tool_calls>',
      tools: TOOLS_B,
      expect: { normalText: '', calls: [{ name: 'search', arguments: '{"filters":null}' }] },
      streamAgrees: false,
    },
    {
      kind: 'malformed',
      title: 'invoke without name is skipped',
      text: '<｜DSML｜tool_calls>\n<｜DSML｜invoke>\n<｜DSML｜parameter name="city" string="true">Paris</｜DSML｜parameter>\n</｜DSML｜invoke>\n</｜DSML｜tool_calls>',
      tools: TOOLS_B,
      expect: { normalText: '', calls: [] },
      streamAgrees: false,
    },
    {
      kind: 'unicode',
      title: 'non-ASCII values and text',
      text: '天気を調べます <｜DSML｜tool_calls>\n<｜DSML｜invoke name="get_weather">\n<｜DSML｜parameter name="city" string="true">東京 🌸 "quoted"\\back</｜DSML｜parameter>\n</｜DSML｜invoke>\n</｜DSML｜tool_calls>',
      tools: TOOLS_B,
      expect: {
        normalText: '天気を調べます',
        calls: [{ name: 'get_weather', arguments: '{"city":"東京 🌸 \\"quoted\\"\\\\back"}' }],
      },
      streamAgrees: false,
    },
    {
      kind: 'nested',
      title: 'object, array and float values',
      text: '<｜DSML｜tool_calls>\n<｜DSML｜invoke name="search">\n<｜DSML｜parameter name="query" string="true">a</｜DSML｜parameter>\n<｜DSML｜parameter name="filters" string="false">{"range": {"from": 1, "to": [2, 3.0, 1e3]}, "ok": true, "n": null}</｜DSML｜parameter>\n<｜DSML｜parameter name="limit" string="false">-0.5</｜DSML｜parameter>\n</｜DSML｜invoke>\n</｜DSML｜tool_calls>',
      tools: TOOLS_B,
      expect: {
        normalText: '',
        calls: [
          {
            name: 'search',
            arguments:
              '{"query":"a","filters":{"range":{"from":1,"to":[2,3.0,1000.0]},"ok":true,"n":null},"limit":-0.5}',
          },
        ],
      },
      streamAgrees: false,
    },
  ],
};
