import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveTokenizerSource } from '../../../src/tokenizer/source';
import { hubSettingsFromEnv, parseHubRef, type HubSettings } from '../../../src/tokenizer/hf-cache';
import { TokenizerSourceError } from '../../../src/tokenizer/source-errors';
import { startFakeHub, type FakeHub } from '../../helpers/fake-hub';

const COMMIT = 'c'.repeat(40);
const TOKENIZER = JSON.stringify({
  version: '1.0',
  model: { type: 'BPE', vocab: { a: 0 }, merges: [] },
});
const CONFIG = JSON.stringify({ bos_token: '<s>' });

let tmp: string;
const dir = (...parts: string[]): string => path.join(tmp, ...parts);
const write = (file: string, content = '{}'): string => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
};

async function rejectsWith(p: Promise<unknown>, code: string, re: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof TokenizerSourceError, String(err));
    assert.equal(err.code, code, err.message);
    assert.match(err.message, re);
    return true;
  });
}

before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'collie-tok-src-'));
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('local sources', () => {
  test('a tokenizer.json file, a *.tiktoken file', async () => {
    const json = write(dir('f', 'tokenizer.json'));
    const tt = write(dir('f', 'cl100k_base.tiktoken'), 'YQ== 0\n');
    assert.deepEqual(await resolveTokenizerSource(json), { file: json, origin: 'file' });
    assert.deepEqual(await resolveTokenizerSource(tt), { file: tt, origin: 'file' });
  });

  test('a relative path is made absolute', async () => {
    const json = write(dir('rel', 'tokenizer.json'));
    const rel = path.relative(process.cwd(), json);
    assert.equal((await resolveTokenizerSource(rel)).file, json);
  });

  test('a directory: tokenizer.json first, else its only *.tiktoken', async () => {
    const json = write(dir('d1', 'tokenizer.json'));
    write(dir('d1', 'x.tiktoken'));
    assert.deepEqual(await resolveTokenizerSource(dir('d1')), { file: json, origin: 'directory' });
    const tt = write(dir('d2', 'o200k_base.tiktoken'));
    write(dir('d2', 'README.md'));
    assert.deepEqual(await resolveTokenizerSource(dir('d2')), { file: tt, origin: 'directory' });
  });

  test('a directory without a tokenizer, or with two *.tiktoken files', async () => {
    write(dir('empty', 'config.json'));
    await rejectsWith(
      resolveTokenizerSource(dir('empty')),
      'no_tokenizer',
      /contains no tokenizer\.json and no \*\.tiktoken/,
    );
    write(dir('two', 'a.tiktoken'));
    write(dir('two', 'b.tiktoken'));
    await rejectsWith(
      resolveTokenizerSource(dir('two')),
      'no_tokenizer',
      /several \*\.tiktoken files \(a\.tiktoken, b\.tiktoken\)/,
    );
  });

  test('a missing file, an unsupported file, an empty source', async () => {
    await rejectsWith(
      resolveTokenizerSource(dir('nope', 'tokenizer.json')),
      'not_found',
      /does not exist/,
    );
    await rejectsWith(
      resolveTokenizerSource('./not/here'),
      'not_found',
      /'\.\/not\/here' does not exist/,
    );
    await rejectsWith(
      resolveTokenizerSource(write(dir('x', 'vocab.txt'))),
      'no_tokenizer',
      /not a tokenizer file/,
    );
    await rejectsWith(resolveTokenizerSource(' '), 'not_found', /non-empty/);
  });
});

describe('Hugging Face ids', () => {
  test('parseHubRef', () => {
    assert.deepEqual(parseHubRef('meta-llama/Llama-3.1-8B'), {
      repo: 'meta-llama/Llama-3.1-8B',
      revision: 'main',
    });
    assert.deepEqual(parseHubRef('gpt2'), { repo: 'gpt2', revision: 'main' });
    assert.deepEqual(parseHubRef('org/m@v1.0'), { repo: 'org/m', revision: 'v1.0' });
    assert.deepEqual(parseHubRef('org/m@refs/pr/1'), { repo: 'org/m', revision: 'refs/pr/1' });
    assert.deepEqual(parseHubRef('org/m', 'dev'), { repo: 'org/m', revision: 'dev' });
    for (const bad of ['a/b/c', 'org/..', '../x', 'org/m@', 'org/m@../x', 'sp ace/x', '-x/y']) {
      assert.equal(parseHubRef(bad), undefined, bad);
    }
  });

  test('settings from the environment', () => {
    const home = os.homedir();
    assert.deepEqual(hubSettingsFromEnv({}), {
      endpoint: 'https://huggingface.co',
      cacheDir: path.join(home, '.cache', 'huggingface', 'hub'),
    });
    assert.deepEqual(
      hubSettingsFromEnv({ HF_HOME: '/h', HF_ENDPOINT: 'http://m/', HF_TOKEN: 't' }),
      {
        endpoint: 'http://m',
        token: 't',
        cacheDir: '/h/hub',
      },
    );
    assert.equal(hubSettingsFromEnv({ HF_HOME: '/h', HF_HUB_CACHE: '/c' }).cacheDir, '/c');
  });

  test('found in the local cache (refs/<revision> → snapshots/<sha>), no network', async () => {
    const cacheDir = dir('cache1');
    const repo = path.join(cacheDir, 'models--org--model');
    write(path.join(repo, 'refs', 'main'), `${COMMIT}\n`);
    const file = write(path.join(repo, 'snapshots', COMMIT, 'tokenizer.json'), TOKENIZER);
    const hub: HubSettings = { endpoint: 'http://127.0.0.1:9', cacheDir };
    assert.deepEqual(await resolveTokenizerSource('org/model', { hub }), {
      file,
      origin: 'hf-cache',
    });
    assert.deepEqual(await resolveTokenizerSource(`org/model@${COMMIT}`, { hub }), {
      file,
      origin: 'hf-cache',
    });
    await rejectsWith(resolveTokenizerSource('org/model@v2', { hub }), 'not_cached', /revision v2/);
  });

  test('not cached and downloads off: a clear error naming the flag', async () => {
    const hub: HubSettings = { endpoint: 'http://127.0.0.1:9', cacheDir: dir('cache-empty') };
    await rejectsWith(
      resolveTokenizerSource('org/absent', { hub }),
      'not_cached',
      /'org\/absent' is not a local path.*not in the local cache.*--tokenizer-hub-download/,
    );
  });
});

describe('downloads from a fake Hub', () => {
  let hub: FakeHub;
  before(async () => {
    hub = await startFakeHub({
      'org/public': {
        files: { 'tokenizer.json': TOKENIZER, 'tokenizer_config.json': CONFIG },
        revisions: { main: COMMIT, v1: 'd'.repeat(40) },
      },
      'org/noconfig': { files: { 'tokenizer.json': TOKENIZER } },
      'org/private': { files: { 'tokenizer.json': TOKENIZER }, token: 'secret' },
      'org/truncated': { files: { 'tokenizer.json': TOKENIZER }, truncate: ['tokenizer.json'] },
      'org/corrupt': { files: { 'tokenizer.json': TOKENIZER.slice(0, 30) } },
      'org/badconfig': { files: { 'tokenizer.json': TOKENIZER, 'tokenizer_config.json': '{"x":' } },
      'org/tiktoken-only': { files: { 'o200k_base.tiktoken': 'YQ== 0\n' } },
      'org/mirror': { files: { 'tokenizer.json': TOKENIZER }, noCommitHeader: true },
    });
  });
  after(() => hub.close());

  const settings = (name: string, token?: string): HubSettings => ({
    endpoint: hub.url,
    cacheDir: dir(name),
    ...(token !== undefined ? { token } : {}),
  });

  test('downloads into the huggingface_hub layout; the next resolution is a cache hit', async () => {
    const s = settings('dl1');
    const r = await resolveTokenizerSource('org/public', { hub: s, hubDownload: true });
    const repo = path.join(s.cacheDir, 'models--org--public');
    assert.deepEqual(r, {
      file: path.join(repo, 'snapshots', COMMIT, 'tokenizer.json'),
      origin: 'hub',
    });
    assert.equal(fs.readFileSync(r.file, 'utf8'), TOKENIZER);
    assert.ok(fs.lstatSync(r.file).isSymbolicLink());
    assert.equal(
      fs.readFileSync(path.join(repo, 'snapshots', COMMIT, 'tokenizer_config.json'), 'utf8'),
      CONFIG,
    );
    assert.equal(fs.readFileSync(path.join(repo, 'refs', 'main'), 'utf8'), COMMIT);
    assert.equal(fs.readdirSync(path.join(repo, 'blobs')).length, 2);
    const before = hub.requests.length;
    assert.equal(
      (await resolveTokenizerSource('org/public', { hub: s, hubDownload: true })).origin,
      'hf-cache',
    );
    assert.equal(hub.requests.length, before);
    assert.ok(hub.requests.every((q) => q.authorization === undefined));
  });

  test('a revision other than main', async () => {
    const s = settings('dl-rev');
    const r = await resolveTokenizerSource('org/public@v1', { hub: s, hubDownload: true });
    assert.match(r.file, /snapshots\/d{40}\/tokenizer\.json$/);
    await rejectsWith(
      resolveTokenizerSource('org/public@nope', { hub: s, hubDownload: true }),
      'hub_not_found',
      /revision 'nope' of Hugging Face model 'org\/public' does not exist/,
    );
  });

  test('tokenizer_config.json is optional', async () => {
    const r = await resolveTokenizerSource('org/noconfig', {
      hub: settings('dl2'),
      hubDownload: true,
    });
    assert.equal(fs.existsSync(path.join(path.dirname(r.file), 'tokenizer_config.json')), false);
  });

  test('an unknown id is a 404 and leaves nothing in the cache', async () => {
    const s = settings('dl3');
    await rejectsWith(
      resolveTokenizerSource('org/unknown', { hub: s, hubDownload: true }),
      'hub_not_found',
      /'org\/unknown' does not exist/,
    );
    assert.equal(fs.existsSync(path.join(s.cacheDir, 'models--org--unknown')), false);
  });

  test('a repository without tokenizer.json', async () => {
    await rejectsWith(
      resolveTokenizerSource('org/tiktoken-only', { hub: settings('dl4'), hubDownload: true }),
      'hub_not_found',
      /has no tokenizer\.json at revision 'main'/,
    );
  });

  test('a private repository: 401 without HF_TOKEN, downloaded with it (sent as Bearer)', async () => {
    await rejectsWith(
      resolveTokenizerSource('org/private', { hub: settings('dl5'), hubDownload: true }),
      'hub_unauthorized',
      /refused 'org\/private' \(HTTP 401\).*set HF_TOKEN/,
    );
    await rejectsWith(
      resolveTokenizerSource('org/private', { hub: settings('dl5', 'wrong'), hubDownload: true }),
      'hub_unauthorized',
      /HF_TOKEN was rejected/,
    );
    const r = await resolveTokenizerSource('org/private', {
      hub: settings('dl5', 'secret'),
      hubDownload: true,
    });
    assert.equal(r.origin, 'hub');
    assert.equal(hub.requests.at(-1)?.authorization, 'Bearer secret');
  });

  for (const [repo, re] of [
    ['org/truncated', /cut off|truncated/],
    ['org/corrupt', /tokenizer\.json for 'org\/corrupt' is not valid JSON/],
    ['org/badconfig', /tokenizer_config\.json for 'org\/badconfig' is not valid JSON/],
  ] as const) {
    test(`${repo}: a corrupt download is refused and nothing is cached`, async () => {
      const s = settings(`dl-${repo.split('/')[1]}`);
      await rejectsWith(resolveTokenizerSource(repo, { hub: s, hubDownload: true }), 'corrupt', re);
      const repoDir = path.join(s.cacheDir, `models--${repo.replace('/', '--')}`);
      assert.equal(fs.existsSync(repoDir), false, 'no cache folder');
      // and a later resolution still does not find anything
      await rejectsWith(
        resolveTokenizerSource(repo, { hub: s }),
        'not_cached',
        /not in the local cache/,
      );
    });
  }

  test('a mirror without X-Repo-Commit: the snapshot is named after the revision', async () => {
    const r = await resolveTokenizerSource('org/mirror', {
      hub: settings('dl6'),
      hubDownload: true,
    });
    assert.match(r.file, /snapshots\/main\/tokenizer\.json$/);
    assert.equal(
      (await resolveTokenizerSource('org/mirror', { hub: settings('dl6') })).origin,
      'hf-cache',
    );
  });

  test('an unreachable endpoint', async () => {
    await rejectsWith(
      resolveTokenizerSource('org/public', {
        hub: { endpoint: 'http://127.0.0.1:9', cacheDir: dir('dl7') },
        hubDownload: true,
      }),
      'hub_error',
      /could not download tokenizer\.json of 'org\/public' from http:\/\/127\.0\.0\.1:9/,
    );
  });
});
