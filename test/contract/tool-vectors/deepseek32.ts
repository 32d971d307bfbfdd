import type { ToolParserVectors } from './types';

const FC = (body: string): string => `<｜DSML｜function_calls>\n${body}</｜DSML｜function_calls>`;
const INV = (name: string, body: string): string =>
  `<｜DSML｜invoke name="${name}">\n${body}</｜DSML｜invoke>\n`;
const P = (name: string, str: boolean, v: string): string =>
  `<｜DSML｜parameter name="${name}" string="${str}">${v}</｜DSML｜parameter>\n`;

/** deepseek32 (V3.2 DSML). */
export const deepseek32Vectors: ToolParserVectors = {
  parser: 'deepseek32',
  vectors: [
    { kind: 'empty', title: 'empty text', text: '', expect: { normalText: '', calls: [] } },
    {
      kind: 'no_call',
      title: 'plain text keeps trailing spaces',
      text: 'Hello there.  \n',
      expect: { normalText: 'Hello there.  \n', calls: [] },
    },
    {
      kind: 'one_call',
      title: 'one call; normal text trimmed at its end',
      text: `Let me check that.\n\n${FC(INV('get_weather', P('location', true, 'Tokyo') + P('unit', true, 'celsius')))}`,
      expect: {
        normalText: 'Let me check that.',
        calls: [{ name: 'get_weather', arguments: '{"location":"Tokyo","unit":"celsius"}' }],
      },
    },
    {
      kind: 'several_calls',
      title: 'two invokes; string="false" values parsed as JSON',
      text: FC(
        INV(
          'search',
          P('query', true, 'rust') + P('limit', false, ' 10 ') + P('safe', false, 'true'),
        ) + INV('get_weather', P('location', true, ' Rome ')),
      ),
      expect: {
        normalText: '',
        calls: [
          { name: 'search', arguments: '{"query":"rust","limit":10,"safe":true}' },
          { name: 'get_weather', arguments: '{"location":" Rome "}' },
        ],
      },
    },
    {
      kind: 'text_around',
      title: 'direct JSON invoke content is kept verbatim; trailing text dropped',
      text: `Sure ${FC(INV('get_weather', '{"location": "Beijing", "date": "2024-01-16"}\n'))} after`,
      expect: {
        normalText: 'Sure',
        calls: [
          { name: 'get_weather', arguments: '{"location": "Beijing", "date": "2024-01-16"}' },
        ],
      },
    },
    {
      kind: 'malformed',
      title: 'block without invokes: the trimmed prefix, no calls',
      text: `Before \n${FC('nothing here\n')} after`,
      expect: { normalText: 'Before', calls: [] },
    },
    {
      kind: 'malformed',
      title: 'unclosed block: the trimmed prefix, no calls',
      text: `Before ${'<｜DSML｜function_calls>'}${INV('f', P('a', true, '1'))}`,
      expect: { normalText: 'Before', calls: [] },
    },
    {
      kind: 'malformed',
      title: 'unparsable non-string value stays a string; end-of-sentence token removed',
      text: FC(INV('f', P('a', false, 'not json') + P('b', true, 'x<｜end▁of▁sentence｜>'))),
      expect: { normalText: '', calls: [{ name: 'f', arguments: '{"a":"not json","b":"x"}' }] },
    },
    {
      kind: 'unicode',
      title: 'unicode',
      text: `天気${FC(INV('get_weather', P('location', true, '東京都')))}`,
      expect: {
        normalText: '天気',
        calls: [{ name: 'get_weather', arguments: '{"location":"東京都"}' }],
      },
    },
    {
      kind: 'nested',
      title: 'nested JSON in a non-string parameter',
      text: FC(INV('f', P('cfg', false, '{"a": [1, {"b": {"c": null}}], "d": 0.5}'))),
      expect: {
        normalText: '',
        calls: [{ name: 'f', arguments: '{"cfg":{"a":[1,{"b":{"c":null}}],"d":0.5}}' }],
      },
    },
  ],
};
