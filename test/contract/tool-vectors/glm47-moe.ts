/**
 * Contract vectors for the `glm47_moe` tool parser. Every `expect` is the output of SMG's own
 * parser (tool_parser crate) for the same text and tools; `streamAgrees: false` marks inputs where
 * SMG's streaming parse, fed in chunks of 1, 2, 3, 5, 7, 11 chars or whole, ends with a different result.
 */
import type { ToolParserVectors } from './types';
import { TOOLS_B } from './tools-b';

export const glm47MoeVectors: ToolParserVectors = {
  parser: 'glm47_moe',
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
      text: 'No tools are needed for this answer.',
      tools: TOOLS_B,
      expect: { normalText: 'No tools are needed for this answer.', calls: [] },
    },
    {
      kind: 'one_call',
      title: 'string and integer arguments from the schema',
      text: '<tool_call>get_weather<arg_key>city</arg_key><arg_value>Beijing</arg_value><arg_key>days</arg_key><arg_value>2</arg_value></tool_call>',
      tools: TOOLS_B,
      expect: {
        normalText: '',
        calls: [{ name: 'get_weather', arguments: '{"city":"Beijing","days":2}' }],
      },
      streamAgrees: false,
    },
    {
      kind: 'one_call',
      title: 'schema keeps a numeric-looking string a string',
      text: '<tool_call>get_weather<arg_key>city</arg_key><arg_value>42</arg_value><arg_key>unit</arg_key><arg_value>true</arg_value></tool_call>',
      tools: TOOLS_B,
      expect: {
        normalText: '',
        calls: [{ name: 'get_weather', arguments: '{"city":"42","unit":"true"}' }],
      },
      streamAgrees: false,
    },
    {
      kind: 'several_calls',
      title: 'two calls, text between them dropped',
      text: '<tool_call>get_weather<arg_key>city</arg_key><arg_value>Paris</arg_value></tool_call>between<tool_call>search<arg_key>query</arg_key><arg_value>hotels</arg_value><arg_key>limit</arg_key><arg_value>3</arg_value></tool_call>',
      tools: TOOLS_B,
      expect: {
        normalText: '',
        calls: [
          { name: 'get_weather', arguments: '{"city":"Paris"}' },
          { name: 'search', arguments: '{"query":"hotels","limit":3}' },
        ],
      },
      streamAgrees: false,
    },
    {
      kind: 'text_around',
      title: 'text before kept, text after dropped',
      text: 'I will look it up.<tool_call>search<arg_key>query</arg_key><arg_value>rust</arg_value></tool_call>Anything else?',
      tools: TOOLS_B,
      expect: {
        normalText: 'I will look it up.',
        calls: [{ name: 'search', arguments: '{"query":"rust"}' }],
      },
      streamAgrees: false,
    },
    {
      kind: 'malformed',
      title: 'unterminated call returns the whole text',
      text: 'Checking <tool_call>get_weather\n<arg_key>city</arg_key>\n<arg_value>Paris',
      tools: TOOLS_B,
      expect: {
        normalText: 'Checking <tool_call>get_weather\n<arg_key>city</arg_key>\n<arg_value>Paris',
        calls: [],
      },
      streamAgrees: false,
    },
    {
      kind: 'malformed',
      title: 'unknown argument types are inferred (Python literals, floats)',
      text: '<tool_call>get_weather<arg_key>flag</arg_key><arg_value>True</arg_value><arg_key>none</arg_key><arg_value>None</arg_value><arg_key>ratio</arg_key><arg_value>0.25</arg_value><arg_key>big</arg_key><arg_value>1e400</arg_value><arg_key>word</arg_key><arg_value>plain text</arg_value></tool_call>',
      tools: TOOLS_B,
      expect: {
        normalText: '',
        calls: [
          {
            name: 'get_weather',
            arguments: '{"flag":true,"none":null,"ratio":0.25,"big":"1e400","word":"plain text"}',
          },
        ],
      },
      streamAgrees: false,
    },
    {
      kind: 'malformed',
      title: 'unknown tool names are still returned',
      text: '<tool_call>not_a_tool<arg_key>x</arg_key><arg_value>1</arg_value></tool_call>',
      tools: TOOLS_B,
      expect: { normalText: '', calls: [{ name: 'not_a_tool', arguments: '{"x":1}' }] },
      streamAgrees: false,
    },
    {
      kind: 'unicode',
      title: 'non-ASCII keys, values and text',
      text: 'Voilà <tool_call>get_weather<arg_key>city</arg_key><arg_value>Zürich 🇨🇭</arg_value><arg_key>备注</arg_key><arg_value>"引用" \\ 反斜杠</arg_value></tool_call>',
      tools: TOOLS_B,
      expect: {
        normalText: 'Voilà ',
        calls: [
          {
            name: 'get_weather',
            arguments: '{"city":"Zürich 🇨🇭","备注":"\\"引用\\" \\\\ 反斜杠"}',
          },
        ],
      },
      streamAgrees: false,
    },
    {
      kind: 'nested',
      title: 'object and array values',
      text: '<tool_call>search<arg_key>query</arg_key><arg_value>x</arg_value><arg_key>filters</arg_key><arg_value>{"a": {"b": [1, 2.5, {"c": null}]}, "z": "é"}</arg_value><arg_key>tags</arg_key><arg_value>["a", ["b"]]</arg_value></tool_call>',
      tools: TOOLS_B,
      expect: {
        normalText: '',
        calls: [
          {
            name: 'search',
            arguments:
              '{"query":"x","filters":{"a":{"b":[1,2.5,{"c":null}]},"z":"é"},"tags":["a",["b"]]}',
          },
        ],
      },
      streamAgrees: false,
    },
    {
      kind: 'one_call',
      title: 'newline-separated GLM-4.5 layout also parses',
      text: '<tool_call>get_weather\n<arg_key>city</arg_key>\n<arg_value>Oslo</arg_value>\n</tool_call>',
      tools: TOOLS_B,
      expect: { normalText: '', calls: [{ name: 'get_weather', arguments: '{"city":"Oslo"}' }] },
      streamAgrees: false,
    },
  ],
};
