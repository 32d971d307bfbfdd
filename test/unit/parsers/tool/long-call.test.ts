/**
 * One 5 MB call streamed in 256-character chunks, for each of tool-b's parsers: the stream must
 * end with the complete parse and stay linear (common/wait-batch.ts); a quadratic stream would
 * take minutes here, so the generous per-test timeout fails it without being timing-tight.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toolParser } from '../../../../src/parsers/tool';
import { TOOLS_B } from '../../../contract/tool-vectors/tools-b';
import { chunkText, plain, streamChunks } from './stream-check';

const BIG = 'x'.repeat(5 << 20);
const CASES: Record<string, string> = {
  deepseek_v4: `<｜DSML｜tool_calls>\n<｜DSML｜invoke name="search">\n<｜DSML｜parameter name="query" string="true">${BIG}</｜DSML｜parameter>\n</｜DSML｜invoke>\n</｜DSML｜tool_calls>`,
  glm45_moe: `<tool_call>search\n<arg_key>query</arg_key>\n<arg_value>${BIG}</arg_value>\n</tool_call>`,
  glm47_moe: `<tool_call>search<arg_key>query</arg_key><arg_value>${BIG}</arg_value></tool_call>`,
  step3: `<｜tool_calls_begin｜><｜tool_call_begin｜>function<｜tool_sep｜><steptml:invoke name="search"><steptml:parameter name="query">${BIG}</steptml:parameter></steptml:invoke><｜tool_call_end｜><｜tool_calls_end｜>`,
  sarashina: `<|tool_calls|>[{'name': 'search', 'arguments': {'query': '${BIG}'}}]`,
  kimik2: `<|tool_calls_section_begin|><|tool_call_begin|>functions.search:0<|tool_call_argument_begin|>{"query": "${BIG}"}<|tool_call_end|><|tool_calls_section_end|>`,
  kimi_k3: `<|open|>tools<|sep|><|open|>call tool="search" index="1"<|sep|><|open|>argument key="query" type="string"<|sep|>${BIG}<|close|>argument<|sep|><|close|>call<|sep|><|close|>tools<|sep|>`,
  inkling: `<|content_invoke_tool_json|>{"name":"search","args":{"query":"${BIG}"}}<|end_message|>`,
  minimax_m2: `<minimax:tool_call><invoke name="search"><parameter name="query">${BIG}</parameter></invoke></minimax:tool_call>`,
  cohere: `<|START_ACTION|>{"tool_name": "search", "parameters": {"query": "${BIG}"}}<|END_ACTION|>`,
};

for (const [name, text] of Object.entries(CASES)) {
  void test(
    `${name}: a 5 MB call streamed in small chunks equals the complete parse`,
    { timeout: 120_000 },
    () => {
      const parser = toolParser(name);
      assert.ok(parser);
      const complete = plain(parser.parse(text, TOOLS_B));
      assert.equal(complete.calls.length, 1);
      assert.ok(
        (complete.calls[0]?.arguments ?? '').includes(BIG),
        'the 5 MB value is in the arguments',
      );
      const streamed = plain(streamChunks(parser, chunkText(text, 256), TOOLS_B));
      // Compared as one boolean: a failing deepEqual would print megabytes.
      assert.ok(
        JSON.stringify(streamed) === JSON.stringify(complete),
        'streamed result equals the complete parse',
      );
    },
  );
}
