import { Tokenizer as HfTokenizer } from '@anush008/tokenizers';
import { loadCorpus, utf8Bytes, type CorpusDoc } from '../../test/unit/tokenizer-oracle/corpus';
import { lenmlTokenizerFile } from '../../test/unit/tokenizer-oracle/specs';

export interface Workloads {
  /** Every corpus document (test/fixtures/tokenizer-corpus). */
  readonly corpus: readonly string[];
  readonly corpusBytes: number;
  readonly corpusBytesByKind: Readonly<Record<string, number>>;
  /** A chat message of 50 Llama 3.1 tokens (English prose). */
  readonly message: string;
  /**
   * A prompt of 2,000 Llama 3.1 tokens: the corpus's multilingual chat transcripts (Llama 3
   * template first, then ChatML).
   */
  readonly prompt: string;
}

/** The first `n` Llama 3.1 tokens of `text`, decoded back to text. */
async function firstTokens(tok: HfTokenizer, text: string, n: number): Promise<string> {
  const ids = (await tok.encode(text, null, { addSpecialTokens: false })).getIds();
  if (ids.length < n) throw new Error(`workload source has only ${ids.length} tokens`);
  return tok.decode(ids.slice(0, n), false);
}

function docText(docs: readonly CorpusDoc[], name: string): string {
  const doc = docs.find((d) => d.name === name);
  if (!doc) throw new Error(`corpus has no ${name}`);
  return doc.text;
}

export async function buildWorkloads(): Promise<Workloads> {
  const docs = loadCorpus();
  const byKind: Record<string, number> = {};
  for (const d of docs) byKind[d.kind] = (byKind[d.kind] ?? 0) + utf8Bytes(d.text);
  const llama3 = HfTokenizer.fromFile(lenmlTokenizerFile('llama3_1'));
  const gpl = docText(docs, 'prose/en-gpl-3.txt');
  const preamble = gpl.slice(gpl.indexOf('The GNU General Public License is a free'));
  const chats = docs
    .filter((d) => d.name.startsWith('synthetic/chat.jsonl'))
    .map((d) => d.text)
    .join('');
  return {
    corpus: docs.map((d) => d.text),
    corpusBytes: Object.values(byKind).reduce((a, b) => a + b, 0),
    corpusBytesByKind: byKind,
    message: await firstTokens(llama3, preamble, 50),
    prompt: await firstTokens(llama3, chats, 2000),
  };
}
