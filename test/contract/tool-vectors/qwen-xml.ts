import type { ToolParserVectors, ToolVector } from './types';

const call = (fn: string, params: string): string =>
  `<tool_call>\n<function=${fn}>\n${params}</function>\n</tool_call>`;
const p = (k: string, v: string): string => `<parameter=${k}>\n${v}\n</parameter>\n`;

/** The XML format shared by qwen_xml and qwen_coder (SMG registers one parser under both names). */
export const QWEN_XML_VECTORS: readonly ToolVector[] = [
  { kind: 'empty', title: 'empty text', text: '', expect: { normalText: '', calls: [] } },
  {
    kind: 'no_call',
    title: 'plain text',
    text: 'Just <b>html</b> and <function=x>',
    expect: { normalText: 'Just <b>html</b> and <function=x>', calls: [] },
  },
  {
    kind: 'one_call',
    title: 'schema types: string kept verbatim, integer parsed',
    text: call('get_weather', p('location', '12') + p('days', ' 3 ')),
    expect: {
      normalText: '',
      calls: [{ name: 'get_weather', arguments: '{"location":"12","days":3}' }],
    },
  },
  {
    kind: 'one_call',
    title: 'no schema: JSON, Python literals, else trimmed text',
    text: call(
      'other',
      p('a', '42') +
        p('b', '1.50') +
        p('c', 'True') +
        p('d', 'None') +
        p('e', '  string value ') +
        p('f', '"quoted"'),
    ),
    expect: {
      normalText: '',
      calls: [
        {
          name: 'other',
          arguments: '{"a":42,"b":1.5,"c":true,"d":null,"e":"string value","f":"quoted"}',
        },
      ],
    },
  },
  {
    kind: 'one_call',
    title: 'schema number/boolean; an unparsable integer falls back to inference',
    text:
      call('search', p('query', '"7"') + p('limit', '9007199254740993') + p('safe', 'False')) + '',
    expect: {
      normalText: '',
      calls: [{ name: 'search', arguments: '{"query":"7","limit":9007199254740993,"safe":false}' }],
    },
  },
  {
    kind: 'several_calls',
    title: 'two calls after text',
    text: `Let me help you with that.\n${call('search', p('query', 'Qwen model'))}\n${call('get_weather', p('location', 'Paris'))}`,
    expect: {
      normalText: 'Let me help you with that.\n',
      calls: [
        { name: 'search', arguments: '{"query":"Qwen model"}' },
        { name: 'get_weather', arguments: '{"location":"Paris"}' },
      ],
    },
  },
  {
    kind: 'text_around',
    title: 'text after the call is dropped',
    text: `I'll check.\n${call('get_weather', p('location', 'Boston'))}\nBased on the analysis, here's what I found.`,
    expect: {
      normalText: "I'll check.\n",
      calls: [{ name: 'get_weather', arguments: '{"location":"Boston"}' }],
    },
  },
  {
    kind: 'malformed',
    title: 'incomplete call: whole text',
    text: '<tool_call>\n<function=get_weather>\n<parameter=location>Chicago</parameter>',
    expect: {
      normalText: '<tool_call>\n<function=get_weather>\n<parameter=location>Chicago</parameter>',
      calls: [],
    },
  },
  {
    kind: 'malformed',
    title: 'function tag without a name: whole text',
    text: '<tool_call>\n<function>\n<parameter=city>Miami</parameter>\n</function>\n</tool_call>',
    expect: {
      normalText:
        '<tool_call>\n<function>\n<parameter=city>Miami</parameter>\n</function>\n</tool_call>',
      calls: [],
    },
  },
  {
    kind: 'malformed',
    title: 'unclosed parameter: the call has no arguments',
    text: '<tool_call>\n<function=get_weather>\n<parameter=city>Beijing\n</function>\n</tool_call>',
    expect: { normalText: '', calls: [{ name: 'get_weather', arguments: '{}' }] },
  },
  {
    kind: 'malformed',
    title: 'a repeated parameter keeps its first position and the last value',
    text: call('f', p('a', '1') + p('b', '2') + p('a', '3')),
    expect: { normalText: '', calls: [{ name: 'f', arguments: '{"a":3,"b":2}' }] },
  },
  {
    kind: 'unicode',
    title: 'unicode names and values; entities kept as text',
    text: call('天気', p('城市', '北京') + p('emoji', '🌍🌎🌏') + p('amp', 'Tom &amp; Jerry')),
    expect: {
      normalText: '',
      calls: [
        { name: '天気', arguments: '{"城市":"北京","emoji":"🌍🌎🌏","amp":"Tom &amp; Jerry"}' },
      ],
    },
  },
  {
    kind: 'nested',
    title: 'JSON object values are parsed and re-serialised',
    text: call(
      'process_data',
      p('config', '{"nested": {"value": [1, 2, {"x": null}]}}') +
        p('enabled', 'true') +
        p('html', '<div class="t"><span>Hi</span></div>'),
    ),
    expect: {
      normalText: '',
      calls: [
        {
          name: 'process_data',
          arguments:
            '{"config":{"nested":{"value":[1,2,{"x":null}]}},"enabled":true,"html":"<div class=\\"t\\"><span>Hi</span></div>"}',
        },
      ],
    },
  },
];

export const qwenXmlVectors: ToolParserVectors = { parser: 'qwen_xml', vectors: QWEN_XML_VECTORS };
export const qwenCoderVectors: ToolParserVectors = {
  parser: 'qwen_coder',
  vectors: QWEN_XML_VECTORS,
};
