import type { ToolParserVectors } from './types';

/** pythonic: a Python list of keyword-argument calls. */
export const pythonicVectors: ToolParserVectors = {
  parser: 'pythonic',
  vectors: [
    { kind: 'empty', title: 'empty text', text: '', expect: { normalText: '', calls: [] } },
    {
      kind: 'no_call',
      title: 'brackets that are no calls',
      text: 'See [1] and [link](x) or [a, b].',
      expect: { normalText: 'See [1] and [link](x) or [a, b].', calls: [] },
    },
    {
      kind: 'one_call',
      title: 'one call',
      text: '[get_weather(location="Paris", days=3)]',
      expect: {
        normalText: '',
        calls: [{ name: 'get_weather', arguments: '{"location":"Paris","days":3}' }],
      },
    },
    {
      kind: 'several_calls',
      title: 'two calls, single quotes, no arguments',
      text: "[search(query='a'), get_weather(location='Rome', unit=\"celsius\"), ping()]",
      expect: {
        normalText: '',
        calls: [
          { name: 'search', arguments: '{"query":"a"}' },
          { name: 'get_weather', arguments: '{"location":"Rome","unit":"celsius"}' },
          { name: 'ping', arguments: '{}' },
        ],
      },
    },
    {
      kind: 'text_around',
      title: 'text around the block is kept',
      text: 'Sure! [search(query="x")] Done.',
      expect: {
        normalText: 'Sure!  Done.',
        calls: [{ name: 'search', arguments: '{"query":"x"}' }],
      },
    },
    {
      kind: 'text_around',
      title: 'special tokens are removed',
      text: 'A <|python_start|>[search(query="x")]<|python_end|> B',
      expect: { normalText: 'A  B', calls: [{ name: 'search', arguments: '{"query":"x"}' }] },
    },
    {
      kind: 'text_around',
      title:
        'tokens after the block are removed in SMG order (start tokens first, then end tokens)',
      text: '[search(query="x")]<|python_end|> tail <|python_<|python_start|>end|> z',
      expect: { normalText: ' tail  z', calls: [{ name: 'search', arguments: '{"query":"x"}' }] },
    },
    {
      kind: 'malformed',
      title: 'positional argument: the original text, tokens included',
      text: '<|python_start|>[search("x")]<|python_end|>',
      expect: { normalText: '<|python_start|>[search("x")]<|python_end|>', calls: [] },
    },
    {
      kind: 'malformed',
      title: 'unclosed block: whole text',
      text: 'Try [search(query="x")',
      expect: { normalText: 'Try [search(query="x")', calls: [] },
    },
    {
      kind: 'malformed',
      title: 'the block ends at the first ")]", even inside a string',
      text: '[f(x="a)]", y=1)]',
      expect: { normalText: '[f(x="a)]", y=1)]', calls: [] },
    },
    {
      kind: 'malformed',
      title: 'operators and calls as values are refused',
      text: '[f(x=1+2)] [g(y=h())]',
      expect: { normalText: '[f(x=1+2)] [g(y=h())]', calls: [] },
    },
    {
      kind: 'unicode',
      title: 'unicode and Python escapes',
      text: '日本語 [search(query="東京 😀 \\u00e9\\x41\\q")]',
      expect: {
        normalText: '日本語 ',
        calls: [{ name: 'search', arguments: '{"query":"東京 😀 éA\\\\q"}' }],
      },
    },
    {
      kind: 'nested',
      title: 'nested literals, numbers, names, bytes, concatenation',
      text:
        '[f(a={"k": [1, (2, 3), None, True], 1: "x", False: 0, None: 1, 2.5: ()}, b=-5, c=-1.5, d=+2, e=0x1F, ' +
        "g=1_000, h=1e3, i=name, j=b\"\\xc3\\xa9\", k='''tri''' \"ple\", l=99999999999999999999, " +
        'm=-9223372036854775808, n=18446744073709551615, o=-0, p=(1,))]',
      expect: {
        normalText: '',
        calls: [
          {
            name: 'f',
            arguments:
              '{"a":{"k":[1,[2,3],null,true],"1":"x","false":0,"null":1,"2.5":[]},"b":-5,"c":-1.5,"d":2,"e":31,' +
              '"g":1000,"h":1000.0,"i":"name","j":"é","k":"triple","l":"99999999999999999999",' +
              '"m":"-9223372036854775808","n":18446744073709551615,"o":0,"p":[1]}',
          },
        ],
      },
    },
  ],
};
