import { randInt, type Rng } from '../../../src/util/rng';

/**
 * Short random texts glued from atoms that sit on tokenizer edge cases: pre-tokenizer class
 * boundaries (letters/marks/numbers/punctuation/whitespace of many scripts), contractions,
 * special-token strings and near misses, emoji joiners, lone surrogates, and the characters
 * byte-level BPE uses to spell bytes ('Ġ', 'Ċ') and SentencePiece uses for spaces ('▁').
 * Being short, a failing text is already close to a minimal repro.
 */
// prettier-ignore
const ATOMS: readonly string[] = [
  ' ', '  ', '   ', '\t', '\n', '\r\n', '\r', '\n\n', ' \n', '\u00a0', '\u3000', '\u0085', '\u2028',
  '\u200b', '\ufeff', '\u000b', '\u000c', '\u2009', '\u202f', '\u180e',
  'a', 'the', 'The', 'THE', 'Hello', 'hello', 'x', 'ab', 'élan', 'Ünïcödé', 'ß', 'ſ', 'İ', 'ı', 'ǅ',
  'ʰ', 'ﬁ', 'Ω', 'Ω', 'Å', 'K', 'e\u0301', '\u0301', '\u0308', '\u093c', 'a\u0323\u0307',
  '中', '中文', '日本語', 'ひらがな', 'カタカナ', 'ｶﾀｶﾅ', '한국어', '\u1100\u1161', 'мир', 'Мир',
  'ελληνικά', 'עברית', 'العربية', 'हिन्दी', 'ไทย', 'ພາສາ', 'ქართული', 'Հայ', 'ግዕዝ', '𝐀𝐁', '𐐀',
  '0', '1', '12', '123', '1234', '12345', '١٢٣', '۱۲۳', '१२३', '๑๒', '１２', '¹²', '½', 'Ⅻ', '①', '𝟘𝟙',
  "'", "'s", "'S", "'t", "'re", "'RE", "'ve", "'m", "'ll", "'LL", "'d", "'ſ", "'K", '’s', "''",
  '.', ',', '!', '?', '...', '-', '--', '_', '__', '/', '\\', '"', '`', '```', '(', ')', '{', '}',
  '[', ']', '<', '>', '|', '||', '=', '==', '=>', '#', '@', '$', '%', '^', '&', '*', '+', '~', '。',
  '、', '「', '」', '—', '…', '¿', '¡', '«', '»', '©', '™', '€', '¥', '\u0000', '\u0001', '\u007f',
  '😀', '👍', '🏽', '👍🏽', '\u200d', '\ufe0f', '❤️', '👨‍👩‍👧', '🇺', '🇸', '🇺🇸', '🏴󠁧󠁢󠁳󠁣󠁴󠁿', '1️⃣', '\u{e0067}',
  '\ud800', '\udfff', '\ud83d', '\ude00', '\ufffd', '\uffff', '\u{10ffff}', '\ue000',
  '<|begin_of_text|>', '<|eot_id|>', '<|start_header_id|>', '<|im_start|>', '<|im_end|>',
  '<|endoftext|>', '<|endofprompt|>', '<|fim_prefix|>', '<tool_call>', '<think>', '</think>', '<s>',
  '</s>', '<unk>', '<pad>', '<bos>', '<eos>', '<mask>', '<start_of_turn>', '<｜begin▁of▁sentence｜>',
  '<｜User｜>', '<|reserved_special_token_3|>', '<|im_sta', '<|', '|>', '<s', 's>', '<｜', '｜>',
  '▁', '▁▁', 'Ġ', 'Ċ', 'ĉ', 'Ā', 'ł', 'Ń', '<0x0A>', '<0xE4>', '[INST]', '<<SYS>>',
  'http://', 'www.', 'foo.bar', 'snake_case', 'camelCase', 'XMLHttp', 'i++', '0x1F', '1e-9',
];

export function fuzzTexts(rng: Rng, count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let text = '';
    const atoms = 1 + randInt(rng, 12);
    for (let a = 0; a < atoms; a++) {
      const atom = ATOMS[randInt(rng, ATOMS.length)] as string;
      text += rng() < 0.15 ? atom.repeat(2 + randInt(rng, 5)) : atom;
    }
    out.push(text);
  }
  return out;
}
