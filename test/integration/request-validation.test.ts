/**
 * /v1/messages and /v1/chat/completions reject what SMG's ValidatedJson rejects, with SMG's
 * exact messages (serde's missing-field text with its position; the validator crate's
 * `field: …` / `__all__: …` lines), and let through what SMG lets through.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  startEngines,
  startTestGateway,
  closeAll,
  postJson,
  type TestGateway,
} from '../helpers/gateway';
import type { MockEngine } from '../../src/mock-engine';

interface ErrorBody {
  error: { message: string; type: string; code: unknown };
}

const user = [{ role: 'user', content: 'hi' }];
const tool = { name: 'get_weather', input_schema: { type: 'object' } };
const fn = { type: 'function', function: { name: 'get_weather', parameters: {} } };

describe('request validation as SMG', () => {
  let engines: MockEngine[];
  let gw: TestGateway;

  before(async () => {
    engines = await startEngines(1);
    gw = await startTestGateway(['--worker-urls', engines[0]!.url]);
  });
  after(() => closeAll(gw, engines));

  async function rejects(path: string, body: unknown, message: string, code: unknown = 400) {
    const r = await postJson(`${gw.url}${path}`, body);
    assert.equal(r.status, 400, JSON.stringify(body));
    const e = (await r.json()) as ErrorBody;
    assert.deepEqual(e, { error: { message, type: 'invalid_request_error', code } });
  }

  async function accepts(path: string, body: unknown): Promise<void> {
    const r = await postJson(`${gw.url}${path}`, body);
    assert.equal(r.status, 200, `${JSON.stringify(body)} → ${r.status} ${await r.text()}`);
  }

  test('messages: missing max_tokens is serde’s missing field, at the end of the object', async () => {
    const body = JSON.stringify({ model: 'mock-model', messages: user });
    await rejects(
      '/v1/messages',
      body,
      'Invalid JSON data: Failed to deserialize the JSON body into the target type: ' +
        `missing field \`max_tokens\` at line 1 column ${body.length}`,
      'json_parse_error',
    );
    // pretty-printed: the line and byte column of the closing brace
    const pretty = '{\n  "model": "mock-model",\n  "messages": []\n}\n';
    await rejects(
      '/v1/messages',
      pretty,
      'Invalid JSON data: Failed to deserialize the JSON body into the target type: ' +
        'missing field `max_tokens` at line 4 column 1',
      'json_parse_error',
    );
  });

  test('messages: zero max_tokens, empty messages, empty model', async () => {
    const m = { model: 'mock-model', max_tokens: 8, messages: user };
    await rejects(
      '/v1/messages',
      { ...m, max_tokens: 0 },
      'max_tokens: max_tokens must be greater than 0',
    );
    await rejects(
      '/v1/messages',
      { ...m, messages: [] },
      'messages: messages array is required and cannot be empty',
    );
    // validator's length(min = 1): a blank model passes validation (then no worker has it)
    const blank = await postJson(`${gw.url}/v1/messages`, { ...m, model: ' ' });
    assert.equal(blank.status, 404);
    const r = await postJson(`${gw.url}/v1/messages`, { ...m, model: '', max_tokens: 0 });
    const lines = ((await r.json()) as ErrorBody).error.message.split('\n').sort();
    assert.deepEqual(lines, [
      'max_tokens: max_tokens must be greater than 0',
      'model: model field is required and cannot be empty',
    ]);
  });

  test('messages: tool_choice needs tools and must name one of them', async () => {
    const m = { model: 'mock-model', max_tokens: 8, messages: user };
    await rejects(
      '/v1/messages',
      { ...m, tool_choice: { type: 'auto' } },
      "__all__: Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.",
    );
    await rejects(
      '/v1/messages',
      { ...m, tools: [tool], tool_choice: { type: 'tool', name: 'get_time' } },
      "__all__: Invalid value for 'tool_choice': tool 'get_time' not found in 'tools'.",
    );
    await accepts('/v1/messages', { ...m, tool_choice: { type: 'none' } });
    await accepts('/v1/messages', {
      ...m,
      tools: [tool],
      tool_choice: { type: 'tool', name: 'get_weather' },
    });
  });

  test('chat: empty messages and out-of-range fields in the validator’s words', async () => {
    const c = { model: 'mock-model', messages: user };
    await rejects(
      '/v1/chat/completions',
      { ...c, messages: [] },
      'messages: Validation error: messages cannot be empty [{"value": Array []}]',
    );
    // normalize() first: max_tokens becomes max_completion_tokens
    await rejects(
      '/v1/chat/completions',
      { ...c, max_tokens: 0 },
      'max_completion_tokens: Validation error: range [{"min": Number(1), "value": Number(0)}]',
    );
    await rejects(
      '/v1/chat/completions',
      { ...c, temperature: 2.5 },
      'temperature: Validation error: range [{"min": Number(0.0), "max": Number(2.0), "value": Number(2.5)}]',
    );
    await rejects(
      '/v1/chat/completions',
      { ...c, top_p: 0 },
      'top_p: Validation error: top_p must be in (0, 1] - greater than 0.0 and at most 1.0 [{"value": Number(0.0)}]',
    );
    await rejects(
      '/v1/chat/completions',
      { ...c, stream_options: { include_usage: true } },
      "__all__: The 'stream_options' parameter is only allowed when 'stream' is enabled",
    );
  });

  test('chat: a body without messages names messages first (declaration order)', async () => {
    const body = '{"model":"mock-model"}';
    await rejects(
      '/v1/chat/completions',
      body,
      'Invalid JSON data: Failed to deserialize the JSON body into the target type: ' +
        `missing field \`messages\` at line 1 column ${body.length}`,
      'json_parse_error',
    );
  });

  test('chat: tool_choice needs tools and must name a function of them', async () => {
    const c = { model: 'mock-model', messages: user };
    await rejects(
      '/v1/chat/completions',
      { ...c, tool_choice: 'auto' },
      "__all__: Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.",
    );
    await rejects(
      '/v1/chat/completions',
      { ...c, tools: [], tool_choice: 'required' },
      "__all__: Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.",
    );
    await rejects(
      '/v1/chat/completions',
      { ...c, tools: [fn], tool_choice: { type: 'function', function: { name: 'get_time' } } },
      "__all__: Invalid value for 'tool_choice': function 'get_time' not found in 'tools'.",
    );
    // the deprecated spellings are normalized first
    await rejects(
      '/v1/chat/completions',
      { ...c, functions: [fn.function], function_call: { name: 'get_time' } },
      "__all__: Invalid value for 'tool_choice': function 'get_time' not found in 'tools'.",
    );
    await accepts('/v1/chat/completions', { ...c, tool_choice: 'none' });
    await accepts('/v1/chat/completions', {
      ...c,
      tools: [fn],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });
  });

  test('completions: max_tokens 0 is valid (SMG: range(min = 0))', async () => {
    await accepts('/v1/completions', { model: 'mock-model', prompt: 'hi', max_tokens: 0 });
  });
});
