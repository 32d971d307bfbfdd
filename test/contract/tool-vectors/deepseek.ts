import type { ToolParserVectors } from './types';

const B = '<｜tool▁calls▁begin｜>';
const E = '<｜tool▁calls▁end｜>';
const call = (name: string, args: string, type = 'function'): string =>
  `<｜tool▁call▁begin｜>${type}<｜tool▁sep｜>${name}\n\`\`\`json\n${args}\n\`\`\`<｜tool▁call▁end｜>`;

/** deepseek (V3): fenced JSON arguments inside call markers. */
export const deepseekVectors: ToolParserVectors = {
  parser: 'deepseek',
  vectors: [
    { kind: 'empty', title: 'empty text', text: '', expect: { normalText: '', calls: [] } },
    {
      kind: 'no_call',
      title: 'plain text',
      text: 'Nothing to call.',
      expect: { normalText: 'Nothing to call.', calls: [] },
    },
    {
      kind: 'one_call',
      title: 'one call',
      text: `${B}${call('get_weather', '{"location": "Tokyo"}')}${E}`,
      expect: {
        normalText: '',
        calls: [{ name: 'get_weather', arguments: '{"location":"Tokyo"}' }],
      },
    },
    {
      kind: 'several_calls',
      title: 'two calls; a non-object argument is wrapped as {"value": …}',
      text: `${B}${call('search', '{"query": "a"}')}\n${call(' search ', '[1, 2]')}${E}`,
      expect: {
        normalText: '',
        calls: [
          { name: 'search', arguments: '{"query":"a"}' },
          { name: 'search', arguments: '{"value":[1,2]}' },
        ],
      },
    },
    {
      kind: 'text_around',
      title: 'text before kept, after dropped',
      text: `Checking the weather.${B}${call('get_weather', '{}')}${E} Done.`,
      expect: {
        normalText: 'Checking the weather.',
        calls: [{ name: 'get_weather', arguments: '{}' }],
      },
    },
    {
      kind: 'malformed',
      title: 'wrong call type and invalid JSON are skipped; none left: whole text',
      text: `x${B}${call('a', '{}', 'tool')}${call('b', '{bad')}${E}`,
      expect: { normalText: `x${B}${call('a', '{}', 'tool')}${call('b', '{bad')}${E}`, calls: [] },
    },
    {
      kind: 'malformed',
      title: 'unterminated call after a complete one is dropped',
      text: `${B}${call('search', '{"query": "q"}')}<｜tool▁call▁begin｜>function<｜tool▁sep｜>get_weather\n\`\`\`json\n{"loc`,
      expect: { normalText: '', calls: [{ name: 'search', arguments: '{"query":"q"}' }] },
    },
    {
      kind: 'malformed',
      title: 'call markers without the section marker are text',
      text: call('search', '{}'),
      expect: { normalText: call('search', '{}'), calls: [] },
    },
    {
      kind: 'unicode',
      title: 'unicode',
      text: `天気を調べます${B}${call('get_weather', '{"location": "東京 🗼"}')}${E}`,
      expect: {
        normalText: '天気を調べます',
        calls: [{ name: 'get_weather', arguments: '{"location":"東京 🗼"}' }],
      },
    },
    {
      kind: 'nested',
      title: 'nested arguments',
      text: `${B}${call('f', '{"a": {"b": [{"c": {"d": [1.0, -2, true]}}]}}')}${E}`,
      expect: {
        normalText: '',
        calls: [{ name: 'f', arguments: '{"a":{"b":[{"c":{"d":[1.0,-2,true]}}]}}' }],
      },
    },
  ],
};
