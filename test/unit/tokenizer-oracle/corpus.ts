import fs from 'node:fs';
import path from 'node:path';
import { randInt, type Rng } from '../../../src/util/rng';

/** test/fixtures/tokenizer-corpus, built by scripts/build-tokenizer-corpus.js. */
export const corpusDir = path.resolve(
  __dirname,
  '..',
  '..',
  '..',
  '..',
  'test',
  'fixtures',
  'tokenizer-corpus',
);

export type CorpusKind = 'prose' | 'code' | 'markup' | 'synthetic';

export interface CorpusDoc {
  /** File path inside the corpus, with `#<line>` for a document of a .jsonl file. */
  readonly name: string;
  readonly kind: CorpusKind;
  readonly text: string;
}

/** A slice of a document: `text` is doc.text.slice(offset, offset + text.length). */
export interface CorpusPiece {
  readonly doc: string;
  readonly offset: number;
  readonly text: string;
}

interface ManifestEntry {
  readonly file: string;
  readonly kind: CorpusKind;
}

const KINDS: readonly string[] = ['prose', 'code', 'markup', 'synthetic'];

function parseManifest(raw: unknown): ManifestEntry[] {
  const docs = (raw as { documents?: unknown }).documents;
  if (!Array.isArray(docs)) throw new Error('corpus manifest: `documents` is not an array');
  return docs.map((d: unknown, i) => {
    const e = d as { file?: unknown; kind?: unknown };
    if (typeof e.file !== 'string' || typeof e.kind !== 'string' || !KINDS.includes(e.kind)) {
      throw new Error(`corpus manifest: documents[${i}] needs a file and a known kind`);
    }
    return { file: e.file, kind: e.kind as CorpusKind };
  });
}

function readEntry(entry: ManifestEntry): CorpusDoc[] {
  const raw = fs.readFileSync(path.join(corpusDir, entry.file), 'utf8');
  if (!entry.file.endsWith('.jsonl')) return [{ name: entry.file, kind: entry.kind, text: raw }];
  return raw
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line, i) => {
      const text: unknown = JSON.parse(line);
      if (typeof text !== 'string') throw new Error(`${entry.file}:${i + 1} is not a JSON string`);
      return { name: `${entry.file}#${i + 1}`, kind: entry.kind, text };
    });
}

/** Every corpus document, in manifest order. */
export function loadCorpus(): CorpusDoc[] {
  const manifest: unknown = JSON.parse(
    fs.readFileSync(path.join(corpusDir, 'manifest.json'), 'utf8'),
  );
  return parseManifest(manifest).flatMap(readEntry);
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** String.prototype.toWellFormed (ES2024, not in our lib): lone surrogates become U+FFFD. */
export function toWellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\ufffd');
}

/** UTF-8 size of a document as the tokenizers see it (lone surrogates become U+FFFD). */
export function utf8Bytes(text: string): number {
  return Buffer.byteLength(toWellFormed(text), 'utf8');
}

/**
 * Cuts every document into consecutive pieces whose lengths are log-uniform in [1, maxLen]
 * UTF-16 units. Cuts land anywhere, including inside surrogate pairs, CRLF pairs, combining
 * sequences and special-token strings: each piece must still tokenize like the oracle.
 */
export function cutPieces(docs: readonly CorpusDoc[], rng: Rng, maxLen = 4096): CorpusPiece[] {
  const out: CorpusPiece[] = [];
  for (const doc of docs) {
    let offset = 0;
    while (offset < doc.text.length) {
      const len = 1 + randInt(rng, Math.round(Math.exp(rng() * Math.log(maxLen))));
      out.push({ doc: doc.name, offset, text: doc.text.slice(offset, offset + len) });
      offset += len;
    }
  }
  return out;
}
