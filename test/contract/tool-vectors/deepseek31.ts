import type { ToolParserVectors } from './types';

const B = '<｜tool▁calls▁begin｜>';
const E = '<｜tool▁calls▁end｜>';
const call = (name: string, args: string): string =>
  `<｜tool▁call▁begin｜>${name}<｜tool▁sep｜>${args}<｜tool▁call▁end｜>`;

/** deepseek31 (V3.1, V3.2-Exp): `name<｜tool▁sep｜>json` inside call markers. */
export const deepseek31Vectors: ToolParserVectors = {
  parser: 'deepseek31',
  vectors: [
    { kind: 'empty', title: 'empty text', text: '', expect: { normalText: '', calls: [] } },
    {
      kind: 'no_call',
      title: 'plain text',
      text: 'No calls <｜tool▁sep｜> here',
      expect: { normalText: 'No calls <｜tool▁sep｜> here', calls: [] },
    },
    {
      kind: 'one_call',
      title: 'one call',
      text: `${B}${call('get_weather', '{"location": "Paris", "unit": "celsius"}')}${E}`,
      expect: {
        normalText: '',
        calls: [{ name: 'get_weather', arguments: '{"location":"Paris","unit":"celsius"}' }],
      },
    },
    {
      kind: 'several_calls',
      title: 'three calls, scalar argument wrapped',
      text: `${B}${call('a', '{}')}${call('b', ' "x" ')}${call('c', '{"k": 1}')}${E}`,
      expect: {
        normalText: '',
        calls: [
          { name: 'a', arguments: '{}' },
          { name: 'b', arguments: '{"value":"x"}' },
          { name: 'c', arguments: '{"k":1}' },
        ],
      },
    },
    {
      kind: 'text_around',
      title: 'text before kept, between and after dropped',
      text: `Let me look.\n${B}${call('search', '{"query": "x"}')} between ${call('search', '{"query": "y"}')}${E}\nThanks`,
      expect: {
        normalText: 'Let me look.\n',
        calls: [
          { name: 'search', arguments: '{"query":"x"}' },
          { name: 'search', arguments: '{"query":"y"}' },
        ],
      },
    },
    {
      kind: 'malformed',
      title: 'empty name and invalid JSON: whole text',
      text: `${B}${call('  ', '{}')}${call('f', '{x}')}${E}`,
      expect: { normalText: `${B}${call('  ', '{}')}${call('f', '{x}')}${E}`, calls: [] },
    },
    {
      kind: 'malformed',
      title: 'a block without separator is skipped',
      text: `${B}<｜tool▁call▁begin｜>oops<｜tool▁call▁end｜>${call('f', '{}')}${E}`,
      expect: { normalText: '', calls: [{ name: 'f', arguments: '{}' }] },
    },
    {
      kind: 'unicode',
      title: 'unicode',
      text: `Ünïcödé ${B}${call('search', '{"query": "\\u2603 ☃"}')}${E}`,
      expect: { normalText: 'Ünïcödé ', calls: [{ name: 'search', arguments: '{"query":"☃ ☃"}' }] },
    },
    {
      kind: 'nested',
      title: 'nested arguments',
      text: `${B}${call('f', '{"l1": {"l2": {"l3": {"l4": [[[]]]}}}}')}${E}`,
      expect: {
        normalText: '',
        calls: [{ name: 'f', arguments: '{"l1":{"l2":{"l3":{"l4":[[[]]]}}}}' }],
      },
    },
  ],
};
