/**
 * Contract vectors for the `minimax_m2` tool parser. Every `expect` is the output of SMG's own
 * parser (tool_parser crate) for the same text and tools; `streamAgrees: false` marks inputs where
 * SMG's streaming parse, fed in chunks of 1, 2, 3, 5, 7, 11 chars or whole, ends with a different result.
 */
import type { ToolParserVectors } from './types';
import { TOOLS_B } from './tools-b';

export const minimaxM2Vectors: ToolParserVectors = {
  parser: 'minimax_m2',
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
      text: 'MiniMax answers.',
      tools: TOOLS_B,
      expect: { normalText: 'MiniMax answers.', calls: [] },
    },
    {
      kind: 'one_call',
      title: 'schema-typed parameters',
      text: '<minimax:tool_call>\n<invoke name="get_weather">\n<parameter name="city">Paris</parameter>\n<parameter name="days">3</parameter>\n</invoke>\n</minimax:tool_call>',
      tools: TOOLS_B,
      expect: {
        normalText: '',
        calls: [{ name: 'get_weather', arguments: '{"city":"Paris","days":3}' }],
      },
      streamAgrees: false,
    },
    {
      kind: 'several_calls',
      title: 'two invokes in one wrapper',
      text: '<minimax:tool_call>\n<invoke name="get_weather">\n<parameter name="city">Paris</parameter>\n</invoke>\n<invoke name="search">\n<parameter name="query">rust</parameter>\n<parameter name="limit">2</parameter>\n</invoke>\n</minimax:tool_call>',
      tools: TOOLS_B,
      expect: {
        normalText: '',
        calls: [
          { name: 'get_weather', arguments: '{"city":"Paris"}' },
          { name: 'search', arguments: '{"query":"rust","limit":2}' },
        ],
      },
      streamAgrees: false,
    },
    {
      kind: 'several_calls',
      title: 'two wrappers',
      text: '<minimax:tool_call>\n<invoke name="get_weather">\n<parameter name="city">A</parameter>\n</invoke>\n</minimax:tool_call> mid <minimax:tool_call>\n<invoke name="get_weather">\n<parameter name="city">B</parameter>\n</invoke>\n</minimax:tool_call>',
      tools: TOOLS_B,
      expect: {
        normalText: '',
        calls: [
          { name: 'get_weather', arguments: '{"city":"A"}' },
          { name: 'get_weather', arguments: '{"city":"B"}' },
        ],
      },
      streamAgrees: false,
    },
    {
      kind: 'text_around',
      title: 'text before kept, after dropped',
      text: 'Let me check. <minimax:tool_call>\n<invoke name="search">\n<parameter name="query">x</parameter>\n</invoke>\n</minimax:tool_call> after',
      tools: TOOLS_B,
      expect: {
        normalText: 'Let me check. ',
        calls: [{ name: 'search', arguments: '{"query":"x"}' }],
      },
      streamAgrees: false,
    },
    {
      kind: 'malformed',
      title: 'unterminated wrapper returns the whole text',
      text: 'Hi <minimax:tool_call>\n<invoke name="get_weather">\n<parameter name="city">Paris</parameter>',
      tools: TOOLS_B,
      expect: {
        normalText:
          'Hi <minimax:tool_call>\n<invoke name="get_weather">\n<parameter name="city">Paris</parameter>',
        calls: [],
      },
      streamAgrees: false,
    },
    {
      kind: 'malformed',
      title: 'first wrapper without invokes is kept as text',
      text: '<minimax:tool_call>junk</minimax:tool_call> then <minimax:tool_call>\n<invoke name="search">\n<parameter name="query">y</parameter>\n</invoke>\n</minimax:tool_call>',
      tools: TOOLS_B,
      expect: {
        normalText: '<minimax:tool_call>junk</minimax:tool_call> then ',
        calls: [{ name: 'search', arguments: '{"query":"y"}' }],
      },
      streamAgrees: false,
    },
    {
      kind: 'malformed',
      title: 'XML entities decoded and untyped values inferred',
      text: '<minimax:tool_call>\n<invoke name="search">\n<parameter name="query">a &lt;b&gt; &amp; &quot;c&quot;</parameter>\n<parameter name="n">12</parameter>\n<parameter name="f">False</parameter>\n<parameter name="z">None</parameter>\n<parameter name="obj">{"a": 1}</parameter>\n</invoke>\n</minimax:tool_call>',
      tools: TOOLS_B,
      expect: {
        normalText: '',
        calls: [
          {
            name: 'search',
            arguments: '{"query":"a <b> & \\"c\\"","n":12,"f":false,"z":null,"obj":"{\\"a\\": 1}"}',
          },
        ],
      },
      streamAgrees: false,
    },
    {
      kind: 'unicode',
      title: 'non-ASCII values',
      text: '你好 <minimax:tool_call>\n<invoke name="get_weather">\n<parameter name="city">Αθήνα 🏛</parameter>\n</invoke>\n</minimax:tool_call>',
      tools: TOOLS_B,
      expect: {
        normalText: '你好 ',
        calls: [{ name: 'get_weather', arguments: '{"city":"Αθήνα 🏛"}' }],
      },
      streamAgrees: false,
    },
    {
      kind: 'malformed',
      title: 'object-typed " null" is JSON null by the schema, untyped stays a string',
      text: '<minimax:tool_call>\n<invoke name="search">\n<parameter name="filters"> null </parameter>\n<parameter name="other"> null </parameter>\n</invoke>\n</minimax:tool_call>',
      tools: TOOLS_B,
      expect: {
        normalText: '',
        calls: [{ name: 'search', arguments: '{"filters":null,"other":" null "}' }],
      },
      streamAgrees: false,
    },
    {
      kind: 'nested',
      title: 'object parameter with the schema type',
      text: '<minimax:tool_call>\n<invoke name="search">\n<parameter name="query">q</parameter>\n<parameter name="filters">{"a": {"b": [1, 2.0]}, "c": "d"}</parameter>\n</invoke>\n</minimax:tool_call>',
      tools: TOOLS_B,
      expect: {
        normalText: '',
        calls: [
          { name: 'search', arguments: '{"query":"q","filters":{"a":{"b":[1,2.0]},"c":"d"}}' },
        ],
      },
      streamAgrees: false,
    },
  ],
};
