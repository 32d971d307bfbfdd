/**
 * Contract vectors for the `sarashina` tool parser. SMG's Sarashina parser needs rustpython, so
 * unlike tool-b's other vector files these expectations were derived by hand from SMG's source
 * (`parsers/sarashina.rs` + the pythonic converter) and its unit tests; `streamAgrees: false`
 * marks inputs where SMG's streaming keeps untrimmed text or never closes the payload.
 */
import type { ToolParserVectors } from './types';
import { TOOLS_B } from './tools-b';

export const sarashinaVectors: ToolParserVectors = {
  parser: 'sarashina',
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
      text: 'The weather in Tokyo is sunny.',
      tools: TOOLS_B,
      expect: { normalText: 'The weather in Tokyo is sunny.', calls: [] },
    },
    {
      kind: 'no_call',
      title: 'a bracket after prose is not a payload without the marker',
      text: "Sure: [{'name': 'ping', 'arguments': {}}]",
      tools: TOOLS_B,
      expect: { normalText: "Sure: [{'name': 'ping', 'arguments': {}}]", calls: [] },
    },
    {
      kind: 'one_call',
      title: 'bare list (marker stripped by detokenisation)',
      text: "[{'name': 'get_weather', 'arguments': {'city': 'Tokyo', 'days': 3}}]",
      tools: TOOLS_B,
      expect: {
        normalText: '',
        calls: [{ name: 'get_weather', arguments: '{"city":"Tokyo","days":3}' }],
      },
    },
    {
      kind: 'one_call',
      title: 'a single dict after the marker; missing arguments become {}',
      text: "<|tool_calls|>{'name': 'search'}",
      tools: TOOLS_B,
      expect: { normalText: '', calls: [{ name: 'search', arguments: '{}' }] },
    },
    {
      kind: 'several_calls',
      title: 'two calls after the marker',
      text: "<|tool_calls|>[{'name': 'search', 'arguments': {'query': 'rust'}}, {'name': 'get_weather', 'arguments': {'city': 'Paris'}}]",
      tools: TOOLS_B,
      expect: {
        normalText: '',
        calls: [
          { name: 'search', arguments: '{"query":"rust"}' },
          { name: 'get_weather', arguments: '{"city":"Paris"}' },
        ],
      },
    },
    {
      kind: 'text_around',
      title: 'text before the marker and after the list, trimmed as a whole',
      text: "Let me check. <|tool_calls|>[{'name': 'search', 'arguments': {}}]  Done. ",
      tools: TOOLS_B,
      expect: { normalText: 'Let me check.   Done.', calls: [{ name: 'search', arguments: '{}' }] },
      streamAgrees: false,
    },
    {
      kind: 'malformed',
      title: 'unbalanced payload: no call, the marker is dropped',
      text: "before <|tool_calls|>[{'name': 'x'",
      tools: TOOLS_B,
      expect: { normalText: "before [{'name': 'x'", calls: [] },
      streamAgrees: false,
    },
    {
      kind: 'malformed',
      title: 'a list that is not of dicts stays text',
      text: '[1, 2, 3]',
      tools: TOOLS_B,
      expect: { normalText: '[1, 2, 3]', calls: [] },
    },
    {
      kind: 'malformed',
      title: 'not a Python literal: no call',
      text: "<|tool_calls|>[{'name': 'search', 'arguments': {'q': 1 + 2}}] tail",
      tools: TOOLS_B,
      expect: { normalText: "[{'name': 'search', 'arguments': {'q': 1 + 2}}] tail", calls: [] },
    },
    {
      kind: 'unicode',
      title: 'non-ASCII values and an escaped quote',
      text: "[{'name': 'get_weather', 'arguments': {'city': '東京 🌸', 'note': 'it\\'s [done]'}}]",
      tools: TOOLS_B,
      expect: {
        normalText: '',
        calls: [{ name: 'get_weather', arguments: '{"city":"東京 🌸","note":"it\'s [done]"}' }],
      },
    },
    {
      kind: 'nested',
      title: 'nested dicts, tuples, None/True, negative and hex numbers',
      text: "[{'name': 'search', 'arguments': {'filters': {'a': [1, 2.5, (3, 4), None, True], 'b': -1}, 'limit': 0x10}}]",
      tools: TOOLS_B,
      expect: {
        normalText: '',
        calls: [
          {
            name: 'search',
            arguments: '{"filters":{"a":[1,2.5,[3,4],null,true],"b":-1},"limit":16}',
          },
        ],
      },
    },
  ],
};
