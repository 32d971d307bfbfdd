/**
 * Contract vectors for the `glm45_moe` tool parser. Every `expect` is the output of SMG's own
 * parser (tool_parser crate) for the same text and tools; `streamAgrees: false` marks inputs where
 * SMG's streaming parse, fed in chunks of 1, 2, 3, 5, 7, 11 chars or whole, ends with a different result.
 */
import type { ToolParserVectors } from './types';
import { TOOLS_B } from './tools-b';

export const glm45MoeVectors: ToolParserVectors = {
  parser: 'glm45_moe',
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
      text: '<tool_call>get_weather\n<arg_key>city</arg_key>\n<arg_value>Beijing</arg_value>\n<arg_key>days</arg_key>\n<arg_value>2</arg_value>\n</tool_call>',
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
      text: '<tool_call>get_weather\n<arg_key>city</arg_key>\n<arg_value>42</arg_value>\n<arg_key>unit</arg_key>\n<arg_value>true</arg_value>\n</tool_call>',
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
      text: '<tool_call>get_weather\n<arg_key>city</arg_key>\n<arg_value>Paris</arg_value>\n</tool_call>\nbetween\n<tool_call>search\n<arg_key>query</arg_key>\n<arg_value>hotels</arg_value>\n<arg_key>limit</arg_key>\n<arg_value>3</arg_value>\n</tool_call>',
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
      text: 'I will look it up.\n<tool_call>search\n<arg_key>query</arg_key>\n<arg_value>rust</arg_value>\n</tool_call>\nAnything else?',
      tools: TOOLS_B,
      expect: {
        normalText: 'I will look it up.\n',
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
      text: '<tool_call>get_weather\n<arg_key>flag</arg_key>\n<arg_value>True</arg_value>\n<arg_key>none</arg_key>\n<arg_value>None</arg_value>\n<arg_key>ratio</arg_key>\n<arg_value>0.25</arg_value>\n<arg_key>big</arg_key>\n<arg_value>1e400</arg_value>\n<arg_key>word</arg_key>\n<arg_value>plain text</arg_value>\n</tool_call>',
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
      text: '<tool_call>not_a_tool\n<arg_key>x</arg_key>\n<arg_value>1</arg_value>\n</tool_call>',
      tools: TOOLS_B,
      expect: { normalText: '', calls: [{ name: 'not_a_tool', arguments: '{"x":1}' }] },
      streamAgrees: false,
    },
    {
      kind: 'unicode',
      title: 'non-ASCII keys, values and text',
      text: 'Voilà <tool_call>get_weather\n<arg_key>city</arg_key>\n<arg_value>Zürich 🇨🇭</arg_value>\n<arg_key>备注</arg_key>\n<arg_value>"引用" \\ 反斜杠</arg_value>\n</tool_call>',
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
      text: '<tool_call>search\n<arg_key>query</arg_key>\n<arg_value>x</arg_value>\n<arg_key>filters</arg_key>\n<arg_value>{"a": {"b": [1, 2.5, {"c": null}]}, "z": "é"}</arg_value>\n<arg_key>tags</arg_key>\n<arg_value>["a", ["b"]]</arg_value>\n</tool_call>',
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
      kind: 'malformed',
      title: 'a call without a newline after the name is not parsed',
      text: '<tool_call>get_weather<arg_key>city</arg_key><arg_value>Paris</arg_value></tool_call>',
      tools: TOOLS_B,
      expect: {
        normalText:
          '<tool_call>get_weather<arg_key>city</arg_key><arg_value>Paris</arg_value></tool_call>',
        calls: [],
      },
      streamAgrees: false,
    },
  ],
};
