import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deepseekV4Parser as parser } from '../../../../src/parsers/tool/deepseek-v4';
import { deepseekV4Vectors } from '../../../contract/tool-vectors/deepseek-v4';
import { TOOLS_B } from '../../../contract/tool-vectors/tools-b';
import { assertStreamsMatchComplete, bigInput, plain } from './stream-check';

const invoke = (name: string, params: string): string =>
  `<｜DSML｜invoke name="${name}">\n${params}</｜DSML｜invoke>\n`;
const param = (k: string, v: string, s: boolean): string =>
  `<｜DSML｜parameter name="${k}" string="${String(s)}">${v}</｜DSML｜parameter>\n`;

void test('deepseek_v4: every vector streams to the complete parse in any chunking', () => {
  assertStreamsMatchComplete(parser, deepseekV4Vectors.vectors, TOOLS_B);
});

void test('deepseek_v4: a block without calls still drops everything after the marker', () => {
  const r = parser.parse('x  \n<｜DSML｜tool_calls>junk</｜DSML｜tool_calls> tail', TOOLS_B);
  assert.deepEqual(plain(r), { normalText: 'x', calls: [] });
});

void test('deepseek_v4: string="true" values are raw, the end-of-sentence marker is removed', () => {
  const body =
    param('query', '  two  spaces <｜end▁of▁sentence｜>', true) + param('limit', ' 3 ', false);
  const r = parser.parse(
    `<｜DSML｜tool_calls>${invoke('search', body)}</｜DSML｜tool_calls>`,
    TOOLS_B,
  );
  assert.deepEqual(plain(r).calls, [
    { name: 'search', arguments: '{"query":"  two  spaces ","limit":3}' },
  ]);
});

void test('deepseek_v4: a marker split across chunks is held, and text before it is trimmed at its end', () => {
  const s = parser.stream(TOOLS_B);
  assert.equal(s.push('Hello  ').normalText, 'Hello');
  assert.equal(s.push('<｜DSML｜tool').normalText, '');
  const rest = s.push(
    `_calls>${invoke('get_weather', param('city', 'Oslo', true))}</｜DSML｜tool_calls>`,
  );
  assert.deepEqual(rest.calls, [
    { index: 0, name: 'get_weather', argumentsDelta: '{"city":"Oslo"}' },
  ]);
  assert.deepEqual(s.finish(), { normalText: '', calls: [] });
});

void test('deepseek_v4: 5 MB of blocks stay linear and bounded; one 5 MB block parses', () => {
  const block = `<｜DSML｜tool_calls>${invoke('get_weather', param('city', 'Rome', true))}</｜DSML｜tool_calls>`;
  const n = Math.ceil((5 << 20) / block.length);
  const { complete, streamed, maxLag } = bigInput(
    parser,
    block.repeat(n),
    TOOLS_B,
    '</｜DSML｜tool_calls>',
  );
  assert.equal(complete.calls.length, n);
  assert.deepEqual(plain(streamed), plain(complete));
  assert.ok(maxLag <= 1, `calls emitted late: ${maxLag}`);
  const one = invoke('get_weather', param('city', 'Rome', true));
  const big = `<｜DSML｜tool_calls>\n${one.repeat(n)}</｜DSML｜tool_calls>`;
  assert.equal(parser.parse(big, TOOLS_B).calls.length, n);
  const params = `<｜DSML｜tool_calls>${invoke('f', '<｜DSML｜parameter name="a" string="true">'.repeat(100_000))}</｜DSML｜tool_calls>`;
  assert.deepEqual(plain(parser.parse(params, TOOLS_B)).calls, [{ name: 'f', arguments: '{}' }]);
});
