import fs from 'node:fs';
import path from 'node:path';

export type TiktokenEncodingName = 'o200k_base' | 'cl100k_base';

interface PackedEncoder {
  readonly pat_str: string;
  readonly special_tokens: Readonly<Record<string, number>>;
  readonly bpe_ranks: string;
}

/** node_modules/tiktoken/encoders/<name>.json */
function encoderJsonPath(name: TiktokenEncodingName): string {
  return path.join(path.dirname(require.resolve('tiktoken')), 'encoders', `${name}.json`);
}

function readEncoder(name: TiktokenEncodingName): PackedEncoder {
  const raw: unknown = JSON.parse(fs.readFileSync(encoderJsonPath(name), 'utf8'));
  const e = raw as Partial<PackedEncoder>;
  if (typeof e.bpe_ranks !== 'string' || typeof e.pat_str !== 'string' || !e.special_tokens) {
    throw new Error(`${encoderJsonPath(name)}: not a packed tiktoken encoder`);
  }
  return e as PackedEncoder;
}

/**
 * Unpacks the `bpe_ranks` string of the tiktoken package's encoder JSON into the standard
 * *.tiktoken text (`base64(token bytes) SP rank` per line, ascending rank). Packed format:
 * space-separated words; `!` followed by a decimal rank starts a run, and every following
 * base64 word gets the next consecutive rank (`! 0 IQ== Ig== …` gives IQ== 0, Ig== 1, …).
 * `!` itself never occurs as a token since tokens are base64. o200k_base and cl100k_base are
 * one run from 0; anything else is rejected rather than guessed.
 */
export function unpackTiktokenRanks(packed: string): { text: string; ranks: number } {
  const words = packed.split(/[ \n]+/).filter((w) => w.length > 0);
  const lines: string[] = [];
  let rank = -1;
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    if (w === '!') {
      rank = Number.parseInt(words[++i] ?? '', 10);
      if (!Number.isInteger(rank)) throw new Error(`bad rank run at word ${i}`);
      continue;
    }
    if (rank < 0) throw new Error('packed ranks do not start with `! <rank>`');
    if (rank !== lines.length)
      throw new Error(`ranks are not 0..n-1 (rank ${rank} at line ${lines.length})`);
    lines.push(`${w} ${rank++}`);
  }
  return { text: lines.join('\n') + '\n', ranks: lines.length };
}

export interface TiktokenFile {
  readonly name: TiktokenEncodingName;
  readonly file: string;
  /** Ordinary tokens: ranks 0..ranks-1. */
  readonly ranks: number;
  /** max(rank, special id) + 1 */
  readonly vocabSize: number;
  /** Regex the encoding splits with (the file itself carries none). */
  readonly pattern: string;
  readonly specialTokens: Readonly<Record<string, number>>;
}

/**
 * Writes `<dir>/<name>.tiktoken` (the name OpenAI publishes it under) unless it already exists
 * with the same content, and returns its path with the encoding's pattern and special tokens.
 */
export function writeTiktokenFile(name: TiktokenEncodingName, dir: string): TiktokenFile {
  const enc = readEncoder(name);
  const file = path.join(dir, `${name}.tiktoken`);
  const { text, ranks } = unpackTiktokenRanks(enc.bpe_ranks);
  fs.mkdirSync(dir, { recursive: true });
  if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== text) {
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
  }
  const vocabSize = Math.max(ranks - 1, ...Object.values(enc.special_tokens)) + 1;
  return { name, file, ranks, vocabSize, pattern: enc.pat_str, specialTokens: enc.special_tokens };
}
