/** The shared building blocks: serde-exact JSON, schema coercion, Rust whitespace, markers, tags. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  coerceBySchemaType,
  findHead,
  formatF64,
  JsonExtentScanner,
  MarkerSearch,
  paramTypesForFunction,
  parseJson,
  parseRustI64,
  partialMarkerSuffix,
  rustTrim,
  serializeJson,
  taggedSpans,
  tryParseJson,
} from '../../../../src/parsers/tool/common';
import type { JsonValue } from '../../../../src/parsers/tool/common';

const roundTrip = (text: string): string => serializeJson(parseJson(text));

void describe('JSON as serde_json reads and writes it', () => {
  void test('compact output, insertion order, repeated key keeps its first position', () => {
    assert.equal(
      roundTrip('{ "b" : 1 , "a" : [ true , null , "x" ] }'),
      '{"b":1,"a":[true,null,"x"]}',
    );
    assert.equal(roundTrip('{"a":1,"b":2,"a":3}'), '{"a":3,"b":2}');
  });

  void test('integers keep their digits within u64 / i64, beyond that they become f64', () => {
    assert.equal(roundTrip('9007199254740993'), '9007199254740993');
    assert.equal(roundTrip('18446744073709551615'), '18446744073709551615');
    assert.equal(roundTrip('-9223372036854775808'), '-9223372036854775808');
    assert.equal(roundTrip('18446744073709551616'), '1.8446744073709552e19');
    assert.equal(roundTrip('-9223372036854775809'), '-9.223372036854776e18');
    assert.equal(roundTrip('-0'), '-0.0');
  });

  void test('floats print as ryu does', () => {
    const cases: [string, string][] = [
      ['1.0', '1.0'],
      ['1.50', '1.5'],
      ['1e2', '100.0'],
      ['1E16', '1e16'],
      ['1e15', '1000000000000000.0'],
      ['123456789012345678.0', '1.2345678901234568e17'],
      ['0.1', '0.1'],
      ['0.00001', '0.00001'],
      ['0.000001', '1e-6'],
      ['1.5e-7', '1.5e-7'],
      ['-2.5e300', '-2.5e300'],
      ['1e-400', '0.0'],
      ['-0.0', '-0.0'],
    ];
    for (const [input, want] of cases) assert.equal(roundTrip(input), want, input);
    assert.equal(formatF64(Number.MAX_VALUE), '1.7976931348623157e308');
    assert.equal(formatF64(5e-324), '5e-324');
  });

  void test('strings: escapes decoded, only quote, backslash and controls escaped on output', () => {
    assert.equal(roundTrip('"a\\/b\\u00e9\\ud83d\\ude00\\t\\u0001"'), '"a/bé😀\\t\\u0001"');
    assert.equal(serializeJson('<>&\u2028\u007f'), '"<>&\u2028\u007f"');
  });

  void test('strict: refuses what serde_json refuses', () => {
    for (const bad of [
      '',
      '{"a":1,}',
      '[1,]',
      '01',
      '1.',
      '.5',
      '-',
      '+1',
      'NaN',
      '1e400',
      '"\\ud800"',
      '"\\udc00x"',
      '"a\nb"',
      '"\\x41"',
      "{'a':1}",
      '{"a":1} x',
      'tru',
      '[1 2]',
    ]) {
      assert.equal(tryParseJson(bad), undefined, JSON.stringify(bad));
    }
  });

  void test('nesting: 127 levels parse, the 128th is refused, 100k neither recurses nor throws a RangeError', () => {
    assert.notEqual(tryParseJson('['.repeat(127) + ']'.repeat(127)), undefined);
    assert.equal(tryParseJson('['.repeat(128) + ']'.repeat(128)), undefined);
    assert.equal(tryParseJson('{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000)), undefined);
  });
});

void describe('schema type conversion', () => {
  const tools = [
    {
      function: {
        name: 'f',
        parameters: {
          properties: {
            s: { type: 'string' },
            n: { type: ['number', 'null'] },
            i: { type: 'integer' },
          },
        },
      },
    },
    { function: { name: 'f', parameters: { properties: { other: { type: 'string' } } } } },
  ];

  void test('reads scalar types of the first tool with the name', () => {
    assert.deepEqual(
      [...paramTypesForFunction(tools, 'f')],
      [
        ['s', 'string'],
        ['i', 'integer'],
      ],
    );
    assert.equal(paramTypesForFunction(tools, 'missing').size, 0);
    assert.equal(
      paramTypesForFunction([{ function: { name: 'g', parameters: 'nope' } }], 'g').size,
      0,
    );
  });

  void test('coerces as SMG does', () => {
    const show = (v: JsonValue | undefined): string | undefined =>
      v === undefined ? undefined : serializeJson(v);
    assert.equal(show(coerceBySchemaType('4', 'string')), '"4"');
    assert.equal(show(coerceBySchemaType('"4"', 'string')), '"4"');
    assert.equal(show(coerceBySchemaType('[60,30]', 'string')), '"[60,30]"');
    assert.equal(show(coerceBySchemaType(' 4 ', 'integer')), '4');
    assert.equal(show(coerceBySchemaType('+007', 'integer')), '7');
    assert.equal(show(coerceBySchemaType('4.0', 'integer')), undefined);
    assert.equal(show(coerceBySchemaType('9223372036854775808', 'integer')), undefined);
    assert.equal(show(coerceBySchemaType('9007199254740993', 'number')), '9007199254740993');
    assert.equal(show(coerceBySchemaType('"4"', 'number')), undefined);
    assert.equal(show(coerceBySchemaType('True', 'boolean')), 'true');
    assert.equal(show(coerceBySchemaType('yes', 'boolean')), undefined);
    assert.equal(show(coerceBySchemaType('5', 'object')), '5');
    assert.equal(show(coerceBySchemaType('null', 'array')), 'null');
    assert.equal(show(coerceBySchemaType('4', undefined)), undefined);
    assert.equal(show(coerceBySchemaType('4', 'mystery')), undefined);
    assert.equal(parseRustI64('-0')?.text, '0');
  });
});

void describe('text and markers', () => {
  void test('Rust whitespace: NEL trimmed, BOM kept', () => {
    assert.equal(rustTrim('\u0085\u3000 x \t\n'), 'x');
    assert.equal(rustTrim('\ufeffx\ufeff'), '\ufeffx\ufeff');
  });

  void test('partialMarkerSuffix finds the longest held prefix', () => {
    assert.equal(partialMarkerSuffix('hello <|py', ['<|python_tag|>']), 4);
    assert.equal(partialMarkerSuffix('hello <|python_tag|>', ['<|python_tag|>']), 0);
    assert.equal(partialMarkerSuffix('x <', ['<a>', '<<b>']), 1);
    assert.equal(partialMarkerSuffix('x <<', ['<a>', '<<b>']), 2);
    assert.equal(partialMarkerSuffix('', ['<a>']), 0);
  });

  void test('MarkerSearch resumes without rescanning and finds a marker split across appends', () => {
    const s = new MarkerSearch('</end>');
    let text = 'abc</e';
    assert.equal(s.find(text, 0), -1);
    text += 'nd> tail';
    assert.equal(s.find(text, 0), 3);
  });

  void test('JsonExtentScanner finds the end of a value across appends, ignoring brackets in strings', () => {
    const sc = new JsonExtentScanner(2);
    let text = 'x {"a": "}]\\"", "b": [';
    assert.equal(sc.scan(text), -1);
    text += '1]} tail';
    assert.equal(sc.scan(text), text.indexOf(' tail'));
  });

  void test('taggedSpans: lazy content, failed heads skipped, stops at a head without close', () => {
    const attrs = /([^>]+)>/y;
    const spans = [
      ...taggedSpans('<p=>x</p><p=a>1</p><p=b>2</p><p=c>3', '<p=', attrs, '</p>', '>'),
    ];
    assert.deepEqual(
      spans.map((s) => [s.attrs?.[1], s.content]),
      [
        ['a', '1'],
        ['b', '2'],
      ],
    );
    assert.equal(findHead('<f=', '<f=', attrs, 0, '>'), undefined);
  });
});
