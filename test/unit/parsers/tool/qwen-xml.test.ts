import assert from 'node:assert/strict';
import { test } from 'node:test';
import { feed, parserNamed, TOOLS } from './helpers';

const xml = parserNamed('qwen_xml');

void test('qwen_coder is the same format under another name', () => {
  const text =
    '<tool_call>\n<function=get_weather>\n<parameter=days>\n5\n</parameter>\n</function>\n</tool_call>';
  assert.deepEqual(parserNamed('qwen_coder').parse(text, TOOLS), xml.parse(text, TOOLS));
  assert.equal(parserNamed('qwen_coder').name, 'qwen_coder');
});

void test('schema types convert values; without the tool, values are inferred', () => {
  const text = (fn: string): string =>
    `<tool_call><function=${fn}><parameter=location>42</parameter><parameter=days>7</parameter><parameter=metric>True</parameter></function></tool_call>`;
  assert.equal(
    xml.parse(text('get_weather'), TOOLS).calls[0]?.arguments,
    '{"location":"42","days":7,"metric":true}',
  );
  assert.equal(
    xml.parse(text('other'), TOOLS).calls[0]?.arguments,
    '{"location":42,"days":7,"metric":true}',
  );
});

void test('an integer that does not parse falls back to inference', () => {
  const text =
    '<tool_call><function=get_weather><parameter=days>soon</parameter></function></tool_call>';
  assert.equal(xml.parse(text, TOOLS).calls[0]?.arguments, '{"days":"soon"}');
});

void test('whitespace is trimmed around names, keys and values; empty values are empty strings', () => {
  const text =
    '<tool_call>\n<function= get_weather >\n<parameter= location >\n  Paris  \n</parameter><parameter=e>  </parameter>\n</function>\n</tool_call>';
  assert.deepEqual(xml.parse(text, TOOLS).calls, [
    { name: 'get_weather', arguments: '{"location":"Paris","e":""}' },
  ]);
});

void test('streaming emits the call when </tool_call> arrives, split across chunks', () => {
  const { steps } = feed(xml, [
    '<tool_call><function=get_weather>',
    '<parameter=days>3</parameter></function></tool',
    '_call>',
  ]);
  assert.deepEqual(steps[2]?.calls, [
    { index: 0, name: 'get_weather', argumentsDelta: '{"days":3}' },
  ]);
});
