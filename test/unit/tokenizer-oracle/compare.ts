import type { TokenizerSubject } from './subjects';

/** One input checked against the oracle: where it comes from and both answers. */
export interface EncodeCase {
  /** Document name, with the piece's UTF-16 offset for pieces. */
  readonly where: string;
  readonly text: string;
  readonly addSpecialTokens: boolean;
  readonly expected: Uint32Array;
  readonly actual: Uint32Array;
}

export interface DecodeCase {
  readonly where: string;
  readonly ids: Uint32Array;
  readonly expected: string;
  readonly actual: string;
}

const WINDOW = 8;
const SHOW_CASES = 3;
const LIST_CASES = 20;

function firstDiff<T>(a: ArrayLike<T>, b: ArrayLike<T>): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

const q = (s: string): string => JSON.stringify(s);

function clipAround(s: string, at: number, radius: number): string {
  const from = Math.max(0, at - radius);
  return `${from > 0 ? '…' : ''}${q(s.slice(from, at + radius))}${at + radius < s.length ? '…' : ''}`;
}

/** `id:"piece"` for each id, pieces decoded one by one by the oracle (specials kept). */
async function describeIds(oracle: TokenizerSubject, ids: Uint32Array): Promise<string> {
  const valid = [...ids].map((id) => (id < oracle.vocabSize ? id : 0));
  const pieces = await oracle.decodeBatch(
    valid.map((id) => Uint32Array.of(id)),
    false,
  );
  return [...ids]
    .map((id, i) =>
      id < oracle.vocabSize ? `${id}:${q(pieces[i] ?? '')}` : `${id}:<out of range>`,
    )
    .join(' ');
}

/**
 * Where token k starts in the text: the length of the oracle's decode of the agreed ids (exact
 * for lossless tokenizers), minus a BOS the post-processor added.
 */
async function textOffset(oracle: TokenizerSubject, c: EncodeCase, k: number): Promise<number> {
  const agreed = await oracle.decode(c.expected.subarray(0, k), false);
  const first = k > 0 ? await oracle.decode(c.expected.subarray(0, 1), false) : '';
  const added = first.length > 0 && !c.text.startsWith(first) && agreed.startsWith(first);
  return agreed.length - (added ? first.length : 0);
}

async function encodesDiffer(
  oracle: TokenizerSubject,
  subject: TokenizerSubject,
  text: string,
  add: boolean,
): Promise<boolean> {
  const [a, b] = await Promise.all([oracle.encode(text, add), subject.encode(text, add)]);
  return firstDiff(a, b) >= 0;
}

const SHRINK_TRIES = 400;

/**
 * A short text that still encodes differently: a window around the mismatch, then chunks
 * deleted (halving chunk sizes down to one UTF-16 unit) while the difference persists.
 */
async function shrinkRepro(
  oracle: TokenizerSubject,
  subject: TokenizerSubject,
  c: EncodeCase,
  at: number,
): Promise<string> {
  const differs = (t: string): Promise<boolean> =>
    encodesDiffer(oracle, subject, t, c.addSpecialTokens);
  let cur = c.text;
  for (const r of [8, 32, 128, 512, 2048]) {
    const w = c.text.slice(Math.max(0, at - r), at + r);
    if (w.length < cur.length && (await differs(w))) {
      cur = w;
      break;
    }
  }
  let tries = 0;
  for (let chunk = cur.length >> 1; chunk >= 1 && tries < SHRINK_TRIES; chunk >>= 1) {
    for (let i = 0; i + chunk <= cur.length && tries < SHRINK_TRIES;) {
      const cand = cur.slice(0, i) + cur.slice(i + chunk);
      tries++;
      if (cand.length > 0 && (await differs(cand))) cur = cand;
      else i += chunk;
    }
  }
  return cur;
}

async function explainEncode(
  oracle: TokenizerSubject,
  subject: TokenizerSubject,
  c: EncodeCase,
): Promise<string> {
  const k = firstDiff(c.expected, c.actual);
  const from = Math.max(0, k - WINDOW);
  const at = await textOffset(oracle, c, k);
  const lines = [
    `${c.where}: first difference at token ${k} (expected ${c.expected.length} ids, got ${c.actual.length}), ≈ text offset ${at}`,
    `  text there: ${clipAround(c.text, at, 40)}`,
    `  expected[${from}..]: ${await describeIds(oracle, c.expected.subarray(from, k + WINDOW))}`,
    `  actual[${from}..]:   ${await describeIds(oracle, c.actual.subarray(from, k + WINDOW))}`,
  ];
  const repro = await shrinkRepro(oracle, subject, c, at);
  const [want, got] = await Promise.all([
    oracle.encode(repro, c.addSpecialTokens),
    subject.encode(repro, c.addSpecialTokens),
  ]);
  return [
    ...lines,
    `  minimal repro: encode(${q(repro)}, addSpecialTokens ${c.addSpecialTokens})`,
    `    expected: ${await describeIds(oracle, want)}`,
    `    actual:   ${await describeIds(oracle, got)}`,
  ].join('\n');
}

function explainDecode(c: DecodeCase): string {
  const k = firstDiff(c.expected, c.actual);
  return [
    `${c.where}: decoded strings differ at char ${k} (expected length ${c.expected.length}, got ${c.actual.length})`,
    `  expected: ${clipAround(c.expected, k, 30)}`,
    `  actual:   ${clipAround(c.actual, k, 30)}`,
    `  ids (${c.ids.length}): ${c.ids.length <= 64 ? `[${[...c.ids].join(',')}]` : `[${[...c.ids.subarray(0, 64)].join(',')},…]`}`,
  ].join('\n');
}

function summary(kind: string, bad: number, total: number, names: readonly string[]): string {
  const more = bad > LIST_CASES ? ` (+${bad - LIST_CASES} more)` : '';
  return `${bad} of ${total} ${kind} differ from the oracle: ${names.slice(0, LIST_CASES).join(', ')}${more}`;
}

/** Empty string when every case agrees; otherwise a report of the first few mismatches. */
export async function encodeMismatches(
  oracle: TokenizerSubject,
  subject: TokenizerSubject,
  cases: readonly EncodeCase[],
  kind: string,
): Promise<string> {
  const bad = cases.filter((c) => firstDiff(c.expected, c.actual) >= 0);
  if (bad.length === 0) return '';
  const details = [];
  for (const c of bad.slice(0, SHOW_CASES)) details.push(await explainEncode(oracle, subject, c));
  const names = bad.map((c) => c.where);
  return [summary(kind, bad.length, cases.length, names), ...details].join('\n');
}

export function decodeMismatches(cases: readonly DecodeCase[], kind: string): string {
  const bad = cases.filter((c) => c.expected !== c.actual);
  if (bad.length === 0) return '';
  const names = bad.map((c) => c.where);
  return [
    summary(kind, bad.length, cases.length, names),
    ...bad.slice(0, SHOW_CASES).map(explainDecode),
  ].join('\n');
}
