/**
 * Contract vectors for the `inkling` tool parser. Every `expect` is the output of SMG's own
 * parser (tool_parser crate) for the same text and tools; `streamAgrees: false` marks inputs where
 * SMG's streaming parse, fed in chunks of 1, 2, 3, 5, 7, 11 chars or whole, ends with a different result.
 */
import type { ToolParserVectors } from './types';
import { TOOLS_B } from './tools-b';

export const inklingVectors: ToolParserVectors = {
  parser: 'inkling',
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
      text: 'Inkling says hello.',
      tools: TOOLS_B,
      expect: { normalText: 'Inkling says hello.', calls: [] },
    },
    {
      kind: 'no_call',
      title: 'response framing removed',
      text: '<|message_model|>assistant<|content_text|>Hello there<|end_message|>',
      tools: TOOLS_B,
      expect: { normalText: 'Hello there', calls: [] },
    },
    {
      kind: 'one_call',
      title: 'one JSON call',
      text: '<|message_model|>get_weather<|content_invoke_tool_json|>{"name":"get_weather","args":{"city":"Paris","days":3}}<|end_message|>',
      tools: TOOLS_B,
      expect: {
        normalText: '',
        calls: [{ name: 'get_weather', arguments: '{"city":"Paris","days":3}' }],
      },
    },
    {
      kind: 'several_calls',
      title: 'two calls',
      text: '<|message_model|>get_weather<|content_invoke_tool_json|>{"name":"get_weather","args":{"city":"Paris"}}<|end_message|><|message_model|>search<|content_invoke_tool_json|>{"name": "search", "args": {"query": "rust"}}<|end_message|>',
      tools: TOOLS_B,
      expect: {
        normalText: '',
        calls: [
          { name: 'get_weather', arguments: '{"city":"Paris"}' },
          { name: 'search', arguments: '{"query":"rust"}' },
        ],
      },
    },
    {
      kind: 'text_around',
      title: 'text message then a call then text',
      text: '<|message_model|>assistant<|content_text|>Let me look.<|end_message|><|message_model|>search<|content_invoke_tool_json|>{"name":"search","args":{"query":"x"}}<|end_message|>after',
      tools: TOOLS_B,
      expect: {
        normalText: 'Let me look.after',
        calls: [{ name: 'search', arguments: '{"query":"x"}' }],
      },
    },
    {
      kind: 'malformed',
      title: 'undefined tool is suppressed',
      text: '<|message_model|>nope<|content_invoke_tool_json|>{"name":"nope","args":{}}<|end_message|>visible',
      tools: TOOLS_B,
      expect: { normalText: 'visible', calls: [] },
    },
    {
      kind: 'malformed',
      title: 'text-mode invocation is suppressed',
      text: '<|message_model|>search<|content_invoke_tool_text|>query: x<|end_message|>rest',
      tools: TOOLS_B,
      expect: { normalText: 'rest', calls: [] },
    },
    {
      kind: 'malformed',
      title: 'args not an object',
      text: '<|message_model|>search<|content_invoke_tool_json|>{"name":"search","args":[1]}<|end_message|>',
      tools: TOOLS_B,
      expect: { normalText: '', calls: [] },
      streamAgrees: false,
    },
    {
      kind: 'malformed',
      title: 'missing end marker is tolerated',
      text: '<|content_invoke_tool_json|> {"name":"search","args":{"query":"q"}} tail',
      tools: TOOLS_B,
      expect: { normalText: 'tail', calls: [{ name: 'search', arguments: '{"query":"q"}' }] },
    },
    {
      kind: 'unicode',
      title: 'non-ASCII args',
      text: '<|message_model|>get_weather<|content_invoke_tool_json|>{"name":"get_weather","args":{"city":"Köln \\u00e9 😀"}}<|end_message|>',
      tools: TOOLS_B,
      expect: {
        normalText: '',
        calls: [{ name: 'get_weather', arguments: '{"city":"Köln é 😀"}' }],
      },
    },
    {
      kind: 'nested',
      title: 'nested args with floats',
      text: '<|message_model|>search<|content_invoke_tool_json|>{"name":"search","args":{"filters":{"a":[1,2.0,{"b":1e2}],"s":"}{"}}}<|end_message|>',
      tools: TOOLS_B,
      expect: {
        normalText: '',
        calls: [{ name: 'search', arguments: '{"filters":{"a":[1,2.0,{"b":100.0}],"s":"}{"}}' }],
      },
    },
  ],
};
