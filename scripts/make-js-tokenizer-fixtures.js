#!/usr/bin/env node
'use strict';
// Makes the WordPiece (BERT-style) and Unigram (T5-style) tokenizer.json fixtures of the
// JS-fallback oracle tests: trained by HF's Rust `tokenizers` (@anush008/tokenizers) on the
// tokenizer corpus, then given the special tokens, post-processor and decoder such models ship
// with. Run once: `node scripts/make-js-tokenizer-fixtures.js`; the outputs are committed.
const fs = require('node:fs');
const path = require('node:path');
const hf = require('@anush008/tokenizers');

const root = path.resolve(__dirname, '..');
const corpus = path.join(root, 'test', 'fixtures', 'tokenizer-corpus');
const out = path.join(root, 'test', 'fixtures', 'tokenizers');

function corpusFiles() {
  const files = [];
  for (const d of fs.readdirSync(corpus).sort()) {
    const p = path.join(corpus, d);
    if (fs.statSync(p).isDirectory())
      for (const f of fs.readdirSync(p).sort()) files.push(path.join(p, f));
  }
  return files;
}

/** The Unigram trainer needs fewer distinct characters than its vocabulary: skip files that add too many. */
function filesWithinChars(files, max) {
  const chars = new Set();
  return files.filter((f) => {
    const s = new Set(fs.readFileSync(f, 'utf8').normalize('NFKC'));
    const fresh = [...s].filter((c) => !chars.has(c));
    if (chars.size + fresh.length >= max) return false;
    for (const c of fresh) chars.add(c);
    return true;
  });
}

function save(name, json) {
  fs.mkdirSync(path.join(out, name), { recursive: true });
  fs.writeFileSync(path.join(out, name, 'tokenizer.json'), JSON.stringify(json));
}

function special(id, content) {
  return {
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  };
}

function wordpiece(files) {
  const tok = new hf.Tokenizer(hf.WordPiece.empty());
  tok.setNormalizer(hf.bertNormalizer({ lowercase: true }));
  tok.setPreTokenizer(hf.bertPreTokenizer());
  tok.train(files);
  const tmp = path.join(out, 'wp.tmp.json');
  tok.save(tmp);
  const json = JSON.parse(fs.readFileSync(tmp, 'utf8'));
  fs.rmSync(tmp);
  const specials = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
  const vocab = {};
  specials.forEach((s, i) => (vocab[s] = i));
  // ids shifted past the specials; a learned token equal to a special one is dropped
  let next = specials.length;
  const learned = Object.entries(json.model.vocab).sort((a, b) => a[1] - b[1]);
  for (const [t] of learned) if (!(t in vocab)) vocab[t] = next++;
  json.model.vocab = vocab;
  json.model.unk_token = '[UNK]';
  json.added_tokens = specials.map((s, i) => special(i, s));
  json.post_processor = {
    type: 'TemplateProcessing',
    single: [
      { SpecialToken: { id: '[CLS]', type_id: 0 } },
      { Sequence: { id: 'A', type_id: 0 } },
      { SpecialToken: { id: '[SEP]', type_id: 0 } },
    ],
    pair: [
      { SpecialToken: { id: '[CLS]', type_id: 0 } },
      { Sequence: { id: 'A', type_id: 0 } },
      { SpecialToken: { id: '[SEP]', type_id: 0 } },
      { Sequence: { id: 'B', type_id: 1 } },
      { SpecialToken: { id: '[SEP]', type_id: 1 } },
    ],
    special_tokens: {
      '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] },
      '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] },
    },
  };
  json.decoder = { type: 'WordPiece', prefix: '##', cleanup: true };
  save('wordpiece', json);
}

function unigram(files) {
  const tok = new hf.Tokenizer(hf.Unigram.empty());
  tok.setNormalizer(hf.nfkcNormalizer());
  tok.setPreTokenizer(hf.metaspacePreTokenizer());
  tok.train(filesWithinChars(files, 3000));
  const tmp = path.join(out, 'un.tmp.json');
  tok.save(tmp);
  const json = JSON.parse(fs.readFileSync(tmp, 'utf8'));
  fs.rmSync(tmp);
  const specials = ['<unk>', '</s>', '<pad>'];
  // a learned piece equal to a special token would shadow it (the corpus contains '</s>')
  const learned = json.model.vocab.filter(([piece]) => !specials.includes(piece));
  json.model.vocab = [...specials.map((s) => [s, 0.0]), ...learned];
  json.model.unk_id = 0;
  json.added_tokens = specials.map((s, i) => special(i, s));
  json.post_processor = {
    type: 'TemplateProcessing',
    single: [{ Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '</s>', type_id: 0 } }],
    pair: [
      { Sequence: { id: 'A', type_id: 0 } },
      { SpecialToken: { id: '</s>', type_id: 0 } },
      { Sequence: { id: 'B', type_id: 0 } },
      { SpecialToken: { id: '</s>', type_id: 0 } },
    ],
    special_tokens: { '</s>': { id: '</s>', ids: [1], tokens: ['</s>'] } },
  };
  json.decoder = { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true };
  save('unigram', json);
}

const files = corpusFiles();
wordpiece(files);
unigram(files);
console.log(`wrote ${out}/wordpiece/tokenizer.json and ${out}/unigram/tokenizer.json`);
