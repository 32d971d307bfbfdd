import type { ToolParserVectors } from './types';

/** passthrough returns every text unchanged and never finds a call. */
export const passthroughVectors: ToolParserVectors = {
  parser: 'passthrough',
  vectors: [
    { kind: 'empty', title: 'empty text', text: '', expect: { normalText: '', calls: [] } },
    {
      kind: 'no_call',
      title: 'plain text',
      text: 'Hello, world.',
      expect: { normalText: 'Hello, world.', calls: [] },
    },
    {
      kind: 'one_call',
      title: 'a JSON call stays text',
      text: '{"name":"get_weather","arguments":{"location":"Paris"}}',
      expect: { normalText: '{"name":"get_weather","arguments":{"location":"Paris"}}', calls: [] },
    },
    {
      kind: 'several_calls',
      title: 'several qwen blocks stay text',
      text: '<tool_call>\n{"name":"a"}\n</tool_call>\n<tool_call>\n{"name":"b"}\n</tool_call>',
      expect: {
        normalText:
          '<tool_call>\n{"name":"a"}\n</tool_call>\n<tool_call>\n{"name":"b"}\n</tool_call>',
        calls: [],
      },
    },
    {
      kind: 'text_around',
      title: 'text around markup',
      text: 'before [TOOL_CALLS] [{"name":"x"}] after',
      expect: { normalText: 'before [TOOL_CALLS] [{"name":"x"}] after', calls: [] },
    },
    {
      kind: 'malformed',
      title: 'broken markup',
      text: '<tool_call>{',
      expect: { normalText: '<tool_call>{', calls: [] },
    },
    {
      kind: 'unicode',
      title: 'unicode',
      text: 'héllo 漢字 😀',
      expect: { normalText: 'héllo 漢字 😀', calls: [] },
    },
    {
      kind: 'nested',
      title: 'nested braces',
      text: '{"a":{"b":[{"c":{}}]}}',
      expect: { normalText: '{"a":{"b":[{"c":{}}]}}', calls: [] },
    },
  ],
};
