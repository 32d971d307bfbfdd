/**
 * /parse/function_call and /parse/reasoning over real sockets: SMG's shapes, errors, auth and
 * bad input (several MB, odd parser names, invalid JSON and UTF-8, deep JSON, many calls).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { postJson, startTestGateway, type TestGateway } from '../helpers/gateway';
import { toolParserNames } from '../../src/parsers/tool';
import { reasoningParserNames } from '../../src/parsers/reasoning';

const TOOLS = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'weather',
      parameters: { type: 'object', properties: { location: { type: 'string' } } },
    },
  },
];
const CALL = (loc: string): string =>
  `<tool_call>\n{"name": "get_weather", "arguments": {"location": "${loc}"}}\n</tool_call>`;

async function text(r: Response): Promise<string> {
  return r.text();
}

void describe('/parse routes', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway([]);
  });
  after(async () => {
    await gw.close();
  });
  const fc = (body: unknown): Promise<Response> => postJson(`${gw.url}/parse/function_call`, body);
  const rs = (body: unknown): Promise<Response> => postJson(`${gw.url}/parse/reasoning`, body);

  void test('reasoning: SMG shape, split at the first end token', async () => {
    const r = await rs({ text: '<think>plan</think> answer', reasoning_parser: 'deepseek_r1' });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/json');
    assert.equal(await text(r), '{"normal_text":"answer","reasoning_text":"plan","success":true}');
    const always = await rs({ text: 'thinking only', reasoning_parser: 'step3' });
    assert.deepEqual(await always.json(), {
      normal_text: '',
      reasoning_text: 'thinking only',
      success: true,
    });
  });

  void test('function_call: SMG shape, arguments a compact JSON string, key order kept', async () => {
    const r = await fc({
      text: `Sure.\n${CALL('Beijing')}`,
      tool_call_parser: 'qwen',
      tools: TOOLS,
    });
    assert.equal(r.status, 200);
    assert.equal(
      await text(r),
      '{"remaining_text":"Sure.\\n","tool_calls":[{"function":{"name":"get_weather","arguments":"{\\"location\\":\\"Beijing\\"}"}}],"success":true}',
    );
    const empty = await fc({ text: '', tool_call_parser: 'qwen', tools: [] });
    assert.deepEqual(await empty.json(), { remaining_text: '', tool_calls: [], success: true });
  });

  void test('unknown parser: 400 in the parser shape, odd names echoed verbatim', async () => {
    for (const name of ['x', '../../etc/passwd', '名前 🤔', '\u0000\n', 'q'.repeat(10_000), '']) {
      const t = await fc({ text: 'a', tool_call_parser: name, tools: [] });
      assert.equal(t.status, 400);
      assert.deepEqual(await t.json(), { error: `Unknown tool parser: ${name}`, success: false });
      const r = await rs({ text: 'a', reasoning_parser: name });
      assert.equal(r.status, 400);
      assert.deepEqual(await r.json(), {
        error: `Unknown reasoning parser: ${name}`,
        success: false,
      });
    }
  });

  void test('missing or wrong-typed fields: 422 plain text as serde words it', async () => {
    const cases: [unknown, string][] = [
      [{ text: 'a', tool_call_parser: 'qwen' }, 'missing field `tools`'],
      [{ tool_call_parser: 'qwen', tools: [] }, 'missing field `text`'],
      [
        { text: 5, tool_call_parser: 'qwen', tools: [] },
        'invalid type: integer `5`, expected a string',
      ],
      [
        { text: 'a', tool_call_parser: 'qwen', tools: {} },
        'invalid type: map, expected a sequence',
      ],
      [
        { text: 'a', tool_call_parser: 'qwen', tools: [{ type: 'function' }] },
        'missing field `function`',
      ],
      [
        {
          text: 'a',
          tool_call_parser: 'qwen',
          tools: [{ type: 'function', function: { name: null } }],
        },
        'invalid type: null, expected a string',
      ],
    ];
    for (const [body, detail] of cases) {
      const r = await fc(body);
      assert.equal(r.status, 422, JSON.stringify(body));
      assert.equal(
        await text(r),
        `Failed to deserialize the JSON body into the target type: ${detail}`,
      );
    }
    const r = await rs({ text: 'a' });
    assert.equal(r.status, 422);
    assert.match(await text(r), /missing field `reasoning_parser`/);
    const arr = await rs([1, 2]);
    assert.equal(arr.status, 422);
  });

  void test('invalid JSON and UTF-8: 400 text; no content type: 415; GET: 405', async () => {
    const bad = await rs('{"text": ');
    assert.equal(bad.status, 400);
    assert.match(await text(bad), /^Failed to parse the request body as JSON: /);
    const raw = await fetch(`${gw.url}/parse/reasoning`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
    });
    assert.equal(raw.status, 400);
    await raw.arrayBuffer();
    const noCt = await fetch(`${gw.url}/parse/reasoning`, { method: 'POST', body: '{}' });
    assert.equal(noCt.status, 415);
    await noCt.arrayBuffer();
    for (const path of ['/parse/reasoning', '/parse/function_call']) {
      const get = await fetch(`${gw.url}${path}`);
      assert.equal(get.status, 405);
      assert.equal(get.headers.get('allow'), 'POST');
      await get.arrayBuffer();
    }
  });

  void test('several MB: over the 4 MiB reasoning limit is a 400, under it parses', async () => {
    const big = await rs({
      text: `<think>${'a'.repeat(5 * 1024 * 1024)}`,
      reasoning_parser: 'qwen3',
    });
    assert.equal(big.status, 400);
    assert.deepEqual(await big.json(), {
      error: `Failed to separate reasoning: Buffer overflow: ${5 * 1024 * 1024 + 7} bytes exceeds maximum`,
      success: false,
    });
    const ok = await rs({
      text: `<think>${'b'.repeat(3_000_000)}</think>x`,
      reasoning_parser: 'qwen3',
    });
    const body = (await ok.json()) as { normal_text: string; reasoning_text: string };
    assert.equal(body.normal_text, 'x');
    assert.equal(body.reasoning_text.length, 3_000_000);
    const pass = await rs({ text: 'c'.repeat(6_000_000), reasoning_parser: 'passthrough' });
    assert.equal(((await pass.json()) as { normal_text: string }).normal_text.length, 6_000_000);
  });

  void test('thousands of calls in one text, and unterminated markers', async () => {
    const many = Array.from({ length: 2000 }, (_, i) => CALL(`city-${i}`)).join('\n');
    const r = await fc({ text: many, tool_call_parser: 'qwen', tools: TOOLS });
    assert.equal(r.status, 200);
    const body = (await r.json()) as { tool_calls: { function: { arguments: string } }[] };
    assert.equal(body.tool_calls.length, 2000);
    assert.equal(body.tool_calls[1999]?.function.arguments, '{"location":"city-1999"}');
    const open = await fc({
      text: `<tool_call>\n{"name": "get_weather"`,
      tool_call_parser: 'qwen',
      tools: TOOLS,
    });
    assert.ok(open.status === 200 || open.status === 400);
    const think = await rs({ text: '<think>never closed </thi', reasoning_parser: 'qwen3' });
    assert.deepEqual(await think.json(), {
      normal_text: '',
      reasoning_text: 'never closed </thi',
      success: true,
    });
  });

  void test('deep JSON: serde nesting limit (128) is a 400; lone surrogates parse', async () => {
    let params: unknown = {};
    for (let i = 0; i < 200; i++) params = { a: params };
    const deep = await fc({
      text: 'x',
      tool_call_parser: 'qwen',
      tools: [{ type: 'function', function: { name: 'f', parameters: params } }],
    });
    assert.equal(deep.status, 400);
    assert.match(await text(deep), /recursion limit exceeded/);
    const bracketsInString = await rs({ text: '['.repeat(1000), reasoning_parser: 'qwen3' });
    assert.equal(bracketsInString.status, 200);
    await bracketsInString.arrayBuffer();
    const lone = await rs('{"text":"<think>\\ud800</think>\\udfff","reasoning_parser":"qwen3"}');
    assert.equal(lone.status, 200);
    assert.deepEqual(await lone.json(), {
      normal_text: '\udfff',
      reasoning_text: '\ud800',
      success: true,
    });
  });
});

void describe('/parse routes: hostile text through every parser', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway([]);
  });
  after(async () => {
    await gw.close();
  });

  const deep = (n: number): string => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
  const HOSTILE: Record<string, string> = {
    brackets: '['.repeat(100_000),
    'deep arguments (qwen)': `<tool_call>\n{"name": "get_weather", "arguments": ${deep(20_000)}}\n</tool_call>`,
    'deep arguments (json)': `{"name": "get_weather", "arguments": ${deep(20_000)}}`,
    'deep arguments (mistral)': `[TOOL_CALLS] [{"name": "get_weather", "arguments": ${deep(20_000)}}]`,
    'deep list (pythonic)': `[get_weather(a=${'['.repeat(20_000)}${']'.repeat(20_000)})]`,
    'unterminated 1 MB call': `<tool_call>\n{"name": "get_weather", "arguments": {"a": "${'x'.repeat(1_000_000)}`,
    'unterminated think': `<think>${'y'.repeat(1_000_000)}`,
    'lone surrogates': '\ud800<tool_call>\udfff',
  };

  void test('every tool and reasoning parser answers 200 or 400, never 500 or a hang', async () => {
    const names = toolParserNames();
    const reasoning = reasoningParserNames();
    for (const [title, text] of Object.entries(HOSTILE)) {
      for (const name of names) {
        const r = await postJson(`${gw.url}/parse/function_call`, {
          text,
          tool_call_parser: name,
          tools: TOOLS,
        });
        assert.ok(r.status === 200 || r.status === 400, `${name} on ${title}: ${r.status}`);
        const body = (await r.json()) as { success: boolean };
        assert.equal(body.success, r.status === 200);
      }
      for (const name of reasoning) {
        const r = await postJson(`${gw.url}/parse/reasoning`, { text, reasoning_parser: name });
        assert.equal(r.status, 200, `${name} on ${title}`);
        await r.arrayBuffer();
      }
    }
  });
});

void describe('/parse routes: control-plane auth', () => {
  void test('with --api-key the shared key is required', async () => {
    const gw = await startTestGateway(['--api-key', 'sekret']);
    try {
      const body = { text: 'a', reasoning_parser: 'qwen3' };
      const anon = await postJson(`${gw.url}/parse/reasoning`, body);
      assert.equal(anon.status, 401);
      await anon.arrayBuffer();
      const ok = await postJson(`${gw.url}/parse/reasoning`, body, {
        authorization: 'Bearer sekret',
      });
      assert.equal(ok.status, 200);
      await ok.arrayBuffer();
    } finally {
      await gw.close();
    }
  });
});
