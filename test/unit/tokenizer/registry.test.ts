import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TokenizerRegistry } from '../../../src/control/tokenizer-registry';
import { handleTokenizersCall, type TokenizersCall } from '../../../src/control/tokenizers-api';
import { syncHandler } from '../../../src/cluster/replicated';
import { silentLogger } from '../../../src/util/logger';

let tmp: string;
let fileA: string;
let fileB: string;
before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'collie-tok-reg-'));
  fileA = path.join(tmp, 'a', 'tokenizer.json');
  fileB = path.join(tmp, 'b.tiktoken');
  fs.mkdirSync(path.dirname(fileA));
  fs.writeFileSync(fileA, '{}');
  fs.writeFileSync(fileB, 'YQ== 0');
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function registry(
  opts: Partial<ConstructorParameters<typeof TokenizerRegistry>[0]> = {},
): TokenizerRegistry {
  return new TokenizerRegistry({
    hubDownload: false,
    hub: { endpoint: 'http://127.0.0.1:9', cacheDir: path.join(tmp, 'hf') },
    logger: silentLogger(),
    validate: (file) =>
      file.endsWith('.tiktoken')
        ? Promise.resolve({ vocabSize: 100 })
        : Promise.resolve({ vocabSize: 32000 }),
    ...opts,
  });
}

interface Answer {
  status: number;
  body: unknown;
}

function call(r: TokenizerRegistry, c: TokenizersCall): Promise<Answer> {
  const reply = handleTokenizersCall(r, c);
  return Promise.resolve<Answer>({
    status: reply.status,
    body: reply.headers.some(([k, v]) => k === 'content-type' && v === 'application/json')
      ? JSON.parse(reply.body)
      : reply.body,
  });
}

const post = (body: unknown): TokenizersCall => ({ kind: 'api', method: 'POST', body });
const get = (id?: string, status = false): TokenizersCall => ({
  kind: 'api',
  method: 'GET',
  ...(id !== undefined ? { id } : {}),
  ...(status ? { status } : {}),
});

describe('registry API (SMG §7 shapes)', () => {
  test('POST → 202 pending with a UUIDv7 → completed; list, get by id and name, delete', async () => {
    const r = registry();
    const res = await call(r, post({ name: 'llama', source: fileA }));
    assert.equal(res.status, 202);
    const { id, status, message } = res.body as { id: string; status: string; message: string };
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(status, 'pending');
    assert.equal(message, `Tokenizer 'llama' registration job submitted. Loading from: ${fileA}`);
    await r.idle();
    for (const key of [id, 'llama']) {
      assert.deepEqual(await call(r, get(key, true)), {
        status: 200,
        body: {
          id,
          status: 'completed',
          message: "Tokenizer 'llama' is loaded and ready",
          vocab_size: 32000,
        },
      });
      assert.deepEqual(await call(r, get(key)), {
        status: 200,
        body: { id, name: 'llama', source: fileA, vocab_size: 32000 },
      });
    }
    await call(r, post({ name: 'alpha', source: fileB }));
    await r.idle();
    const list = (await call(r, get())).body as { tokenizers: Array<{ name: string }> };
    assert.deepEqual(
      list.tokenizers.map((t) => t.name),
      ['alpha', 'llama'],
    );
    assert.deepEqual(await call(r, { kind: 'api', method: 'DELETE', id: 'llama' }), {
      status: 200,
      body: { success: true, message: "Tokenizer 'llama' removed successfully" },
    });
    assert.deepEqual(await call(r, { kind: 'api', method: 'DELETE', id: 'llama' }), {
      status: 404,
      body: { success: false, message: "Tokenizer 'llama' not found" },
    });
    assert.deepEqual(await call(r, get('llama')), {
      status: 404,
      body: { error: { message: "Tokenizer 'llama' not found", type: 'tokenizer_not_found' } },
    });
    assert.deepEqual(await call(r, get('nope', true)), {
      status: 404,
      body: {
        error: { message: "Tokenizer 'nope' not found and no pending job", type: 'not_found' },
      },
    });
    r.close();
  });

  test('409 for a registered name, with the existing id', async () => {
    const r = registry();
    const first = (await call(r, post({ name: 'x', source: fileA }))).body as { id: string };
    await r.idle();
    assert.deepEqual(await call(r, post({ name: 'x', source: fileB })), {
      status: 409,
      body: { id: first.id, status: 'failed', message: "Tokenizer 'x' already exists" },
    });
  });

  test('two concurrent jobs with one name: the second fails at completion', async () => {
    const r = registry();
    const a = (await call(r, post({ name: 'same', source: fileA }))).body as { id: string };
    const b = (await call(r, post({ name: 'same', source: fileB }))).body as { id: string };
    await r.idle();
    assert.equal(((await call(r, get(a.id, true))).body as { status: string }).status, 'completed');
    assert.deepEqual((await call(r, get(b.id, true))).body, {
      id: b.id,
      status: 'failed',
      message: `Tokenizer 'same' already exists (id: ${a.id})`,
    });
  });

  test('failed jobs: missing file, directory without tokenizer, unknown Hub id, bad validation', async () => {
    const empty = path.join(tmp, 'empty-dir');
    fs.mkdirSync(empty, { recursive: true });
    const r = registry({
      validate: (file) =>
        file === fileB
          ? Promise.reject(new Error('unsupported model type Unigram'))
          : Promise.resolve({ vocabSize: 1 }),
    });
    const cases: Array<[string, RegExp]> = [
      [
        path.join(tmp, 'missing', 'tokenizer.json'),
        /Failed to load tokenizer 't0': tokenizer source '.*missing.*' does not exist/,
      ],
      [empty, /Failed to load tokenizer 't1': directory '.*empty-dir' contains no tokenizer\.json/],
      [
        'org/not-there',
        /Failed to load tokenizer 't2': .*'org\/not-there'.*not in the local cache/,
      ],
      [fileB, /Failed to load tokenizer 't3' from '.*b\.tiktoken': unsupported model type Unigram/],
    ];
    const ids: string[] = [];
    for (const [i, [source]] of cases.entries()) {
      ids.push(((await call(r, post({ name: `t${i}`, source }))).body as { id: string }).id);
    }
    await r.idle();
    for (const [i, [, re]] of cases.entries()) {
      const s = (await call(r, get(ids[i], true))).body as { status: string; message: string };
      assert.equal(s.status, 'failed');
      assert.match(s.message, re);
    }
    assert.deepEqual(r.list(), [], 'nothing half-registered');
  });

  test('bad bodies: 422 text for wrong shapes, 400 for empty names', async () => {
    const r = registry();
    for (const [body, re] of [
      [{ source: 'x' }, /missing field `name`/],
      [{ name: 'a' }, /missing field `source`/],
      [{ name: 1, source: 'x' }, /name: invalid type: integer `1`, expected a string/],
      [{ name: 'a', source: 'x', chat_template_path: 3 }, /chat_template_path: invalid type/],
    ] as const) {
      const res = await call(r, post(body));
      assert.equal(res.status, 422);
      assert.match(
        res.body as string,
        /^Failed to deserialize the JSON body into the target type: /,
      );
      assert.match(res.body as string, re);
    }
    assert.equal((await call(r, post({ name: ' ', source: fileA }))).status, 400);
  });

  test('a chat template that does not exist fails the job', async () => {
    const r = registry();
    const { id } = (
      await call(r, post({ name: 'ct', source: fileA, chat_template_path: '/no/such.jinja' }))
    ).body as {
      id: string;
    };
    await r.idle();
    assert.match(
      ((await call(r, get(id, true))).body as { message: string }).message,
      /chat template '\/no\/such\.jinja' does not exist/,
    );
  });

  test('jobs time out; failed jobs are swept after their TTL', async () => {
    let now = 1_000_000;
    const r = registry({
      validate: () => new Promise(() => undefined),
      jobTimeoutMs: 20,
      failedJobTtlMs: 1000,
      clock: { now: () => now, monotonic: () => now },
    });
    const { id } = (await call(r, post({ name: 'slow', source: fileA }))).body as { id: string };
    assert.match(
      ((await call(r, get(id, true))).body as { status: string }).status,
      /^(pending|processing)$/,
    );
    const keepAlive = setTimeout(() => undefined, 5000); // the job's timers are unref'd
    await r.idle();
    clearTimeout(keepAlive);
    assert.match(
      ((await call(r, get(id, true))).body as { message: string }).message,
      /timed out after 0\.02 s/,
    );
    now += 500;
    r.sweep();
    assert.equal((await call(r, get(id, true))).status, 200);
    now += 1000;
    r.sweep();
    assert.equal((await call(r, get(id, true))).status, 404);
  });
});

describe('replication: watch / snapshot', () => {
  test('a watch answers at once when behind, on change, or after the watch period', async () => {
    const r = registry({ watchMs: 30 });
    const sync = syncHandler(r.replicated); // the 'sync:tokenizers' control op
    const keepAlive = setTimeout(() => undefined, 5000); // watch timers are unref'd
    const s0 = await sync({ since: 0 }, 'p1');
    assert.deepEqual(s0, { version: 1, value: [] });
    const pending = sync({ since: 1 }, 'p1');
    r.submit('m', fileA);
    const s1 = await pending;
    assert.equal(s1.version, 2);
    assert.deepEqual(
      s1.value.map((t) => [t.name, t.file, t.vocab_size]),
      [['m', fileA, 32000]],
    );
    const t0 = Date.now();
    const idle = await sync({ since: 2 }, 'p1');
    assert.equal(idle.version, 2);
    assert.ok(Date.now() - t0 >= 25);
    const gone = sync({ since: 2 }, 'p2');
    r.peerGone('p2');
    assert.equal((await gone).version, 2);
    assert.equal((await sync({}, 'p1')).version, 2);
    r.close();
    clearTimeout(keepAlive);
  });
});
