import type { ToolParserVectors } from './types';

const W = (loc: string): string =>
  `<tool_call>\n{"name": "get_weather", "arguments": {"location": "${loc}"}}\n</tool_call>`;

/** qwen: `<tool_call>\n{json}\n</tool_call>` blocks; normal text is what precedes the first block. */
export const qwenVectors: ToolParserVectors = {
  parser: 'qwen',
  vectors: [
    { kind: 'empty', title: 'empty text', text: '', expect: { normalText: '', calls: [] } },
    {
      kind: 'no_call',
      title: 'plain text and plain JSON',
      text: '{"name": "test", "arguments": {}}',
      expect: { normalText: '{"name": "test", "arguments": {}}', calls: [] },
    },
    {
      kind: 'one_call',
      title: 'one block, arguments re-serialised compactly',
      text: W('Beijing'),
      expect: {
        normalText: '',
        calls: [{ name: 'get_weather', arguments: '{"location":"Beijing"}' }],
      },
    },
    {
      kind: 'several_calls',
      title: 'two blocks after text; text between is dropped',
      text: `Let me help you with that.\n${W('Paris')}\nand\n${W('Rome')}`,
      expect: {
        normalText: 'Let me help you with that.\n',
        calls: [
          { name: 'get_weather', arguments: '{"location":"Paris"}' },
          { name: 'get_weather', arguments: '{"location":"Rome"}' },
        ],
      },
    },
    {
      kind: 'text_around',
      title: 'text after the last block is dropped',
      text: `Sure: ${W('Oslo')} Done!`,
      expect: {
        normalText: 'Sure: ',
        calls: [{ name: 'get_weather', arguments: '{"location":"Oslo"}' }],
      },
    },
    {
      kind: 'text_around',
      title: 'missing arguments become {} and unknown names are kept',
      text: 'x<tool_call>\n{"name": "get_time"}\n</tool_call>',
      expect: { normalText: 'x', calls: [{ name: 'get_time', arguments: '{}' }] },
    },
    {
      kind: 'malformed',
      title: 'invalid JSON in the only block: whole text back',
      text: 'a <tool_call>\n{"name": "get_weather", "arguments": {\n</tool_call> b',
      expect: {
        normalText: 'a <tool_call>\n{"name": "get_weather", "arguments": {\n</tool_call> b',
        calls: [],
      },
    },
    {
      kind: 'malformed',
      title: 'no newline after the start marker: no block',
      text: '<tool_call>{"name": "get_weather"}</tool_call>',
      expect: { normalText: '<tool_call>{"name": "get_weather"}</tool_call>', calls: [] },
    },
    {
      kind: 'malformed',
      title: 'an invalid block is skipped, a valid one kept',
      text: '<tool_call>\nnot json\n</tool_call><tool_call>\n{"name": "search", "arguments": {"query": "q"}}\n</tool_call>',
      expect: { normalText: '', calls: [{ name: 'search', arguments: '{"query":"q"}' }] },
    },
    {
      kind: 'malformed',
      title: 'unterminated block after a complete one is dropped',
      text: `${W('A')}<tool_call>\n{"name": "search"`,
      expect: { normalText: '', calls: [{ name: 'get_weather', arguments: '{"location":"A"}' }] },
    },
    {
      kind: 'unicode',
      title: 'unicode and escapes',
      text: `日本語 ${W('東京 \\u00e9 😀')}`,
      expect: {
        normalText: '日本語 ',
        calls: [{ name: 'get_weather', arguments: '{"location":"東京 é 😀"}' }],
      },
    },
    {
      kind: 'nested',
      title: 'nested arguments keep key order; numbers as serde prints them',
      text: '<tool_call>\n{"name": "create", "arguments": {"z": {"b": [1, 2.50, 1e2, -0, 12345678901234567890], "a": null}, "a": true, "z2": "Line 1\\nLine 2"}}\n</tool_call>',
      expect: {
        normalText: '',
        calls: [
          {
            name: 'create',
            arguments:
              '{"z":{"b":[1,2.5,100.0,-0.0,12345678901234567890],"a":null},"a":true,"z2":"Line 1\\nLine 2"}',
          },
        ],
      },
    },
  ],
};
