'use strict';
/**
 * Synthetic adversarial documents for the tokenizer corpus (see build-tokenizer-corpus.js).
 * Every group targets a place where pre-tokenizer regexes, normalizers, added-token matching,
 * BPE merging or UTF-8 handling tend to diverge from Hugging Face `tokenizers`. All randomness
 * comes from the `random` argument, so the output is a pure function of the seed.
 */

const cp = (...codes) => String.fromCodePoint(...codes);

/** Whitespace of every kind the pre-tokenizer regexes treat differently (\s, \r\n, Unicode Z*). */
// prettier-ignore
const SPACES = [
  ' ', '\t', '\n', '\r', '\r\n', '\v', '\f', '\u0085', '\u00a0', '\u1680', '\u2000', '\u2001',
  '\u2002', '\u2003', '\u2004', '\u2005', '\u2006', '\u2007', '\u2008', '\u2009', '\u200a',
  '\u2028', '\u2029', '\u202f', '\u205f', '\u3000', '\u180e', '\u200b', '\ufeff', '\u001c',
  '\u001d', '\u001e', '\u001f',
];

const WORDS = [
  'the',
  'a',
  'Hello',
  'world',
  'x',
  '42',
  'foo_bar',
  '—',
  'ÉTÉ',
  '中文',
  'мир',
  '!',
  "'s",
];

function pick(random, items) {
  return items[Math.floor(random() * items.length)];
}

function int(random, lo, hi) {
  return lo + Math.floor(random() * (hi - lo + 1));
}

function whitespace(random) {
  const docs = SPACES.map((w) => {
    const out = [];
    for (const n of [1, 2, 3, 4, 7, 16, 17]) {
      out.push(`${w.repeat(n)}lead`, `word${w.repeat(n)}word`, `trail${w.repeat(n)}`);
      out.push(`a${w.repeat(n)}\nb`, `c\n${w.repeat(n)}d`, `${w.repeat(n)}!${w.repeat(n)}`);
      out.push(`1${w.repeat(n)}2`, `x ${w.repeat(n)} y`, `中${w.repeat(n)}文`);
    }
    return out.join('') + w.repeat(9);
  });
  for (let d = 0; d < 4; d++) {
    let s = '';
    while (s.length < 3000) {
      const run = Array.from({ length: int(random, 1, 12) }, () => pick(random, SPACES)).join('');
      s += random() < 0.7 ? run + pick(random, WORDS) : run;
    }
    docs.push(s);
  }
  // code-like indentation: tabs vs spaces, trailing blanks, CRLF files, blank-line runs
  const code = ['if (x) {', 'return y;', '}', '# comment', 'def f():', '    pass', ''];
  for (const eol of ['\n', '\r\n', '\r']) {
    let s = '';
    for (let i = 0; i < 120; i++) {
      const indent =
        random() < 0.5 ? '\t'.repeat(int(random, 0, 4)) : ' '.repeat(int(random, 0, 17));
      s +=
        indent + pick(random, code) + ' '.repeat(int(random, 0, 3)) + eol.repeat(int(random, 1, 3));
    }
    docs.push(s);
  }
  docs.push(
    '',
    ' ',
    '  ',
    '\n',
    '\n\n',
    '\r\n',
    ' \n ',
    '\t\t',
    '\u3000',
    '\u00a0',
    ' '.repeat(5000),
  );
  return docs;
}

/** Decimal digit zeros (Nd) of many scripts; each block has ten consecutive digits. */
// prettier-ignore
const DIGIT_ZEROS = [
  0x30, 0x660, 0x6f0, 0x7c0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6, 0xc66, 0xce6, 0xd66, 0xde6,
  0xe50, 0xed0, 0xf20, 0x1040, 0x17e0, 0x1810, 0x1946, 0x19d0, 0x1a80, 0x1b50, 0xa620, 0xa8d0,
  0xa900, 0xaa50, 0xff10, 0x104a0, 0x11066, 0x1d7ce, 0x1d7d8, 0x1d7e2, 0x1e950,
];
/** Other numbers: No/Nl (superscripts, fractions, circled, Roman numerals, CJK). */
const OTHER_NUMBERS = '¹²³¼½¾⁰⁴⁵⁹₀₁₉①②⑳⑴⒈ⅠⅡⅫⅰⅻↀ〇〡〢〸㈠㉑㊿𐄇𐌢𝍠🄀🄁';

function digits(random) {
  const docs = [];
  let s = '';
  for (let n = 1; n <= 64; n++) {
    const run = Array.from({ length: n }, () => String(int(random, 0, 9))).join('');
    s += `${run} x${run}y ${run}.${run} -${run},`;
  }
  docs.push(s, '9'.repeat(1000), '0123456789'.repeat(300));
  for (const zero of DIGIT_ZEROS) {
    const digit = () => cp(zero + int(random, 0, 9));
    let t = '';
    for (let n = 1; n <= 12; n++)
      t += Array.from({ length: n }, digit).join('') + pick(random, [' ', '', 'a', '.', ',', '\n']);
    docs.push(t + '0' + digit() + '1' + digit() + digit() + '2');
  }
  docs.push([...OTHER_NUMBERS].join(' ') + '\n' + OTHER_NUMBERS + OTHER_NUMBERS);
  const formats = [
    '1,234,567.89',
    '1.234.567,89',
    '1 234 567',
    '1e10',
    '6.02214076e23',
    '-0.000001',
    '0xDEADBEEF',
    '0b1010_1010',
    '1_000_000',
    '3.14159265358979323846264338327950288419716939937510',
    '2024-01-31T23:59:59.999Z',
    '+1 (555) 010-9999',
    '192.168.100.200:65535',
    'v1.2.3-rc.4+build.5',
    '١٢٣٫٤٥',
    '¥1,000',
    '€ 9,99',
    '12%',
    '½ cup',
    '2³²',
    'H₂O',
    '10⁻⁹',
    'x²+y²=z²',
    'IPv6 2001:db8::ff00:42:8329',
    'ISBN 978-3-16-148410-0',
  ];
  let f = '';
  for (let i = 0; i < 300; i++)
    f += pick(random, formats) + pick(random, [' ', '\n', ', ', '', '\t']);
  docs.push(f);
  return docs;
}

// prettier-ignore
const EMOJI = [
  '😀', '😂', '🥲', '☺', '☺️', '❤', '❤️', '✨', '🔥', '👍', '👍🏻', '👍🏽', '👍🏿', '🧑‍💻', '👩🏽‍🚀', '👨‍👩‍👧‍👦',
  '👩‍❤️‍💋‍👨', '🏳️‍🌈', '🏳️‍⚧️', '🇺🇸', '🇯🇵', '🇩🇪', '🇺🇦', '🇧🇷', '🏴󠁧󠁢󠁳󠁣󠁴󠁿', '🏴󠁧󠁢󠁷󠁬󠁳󠁿', '1️⃣', '#️⃣',
  '*️⃣', '🫠', '🫶🏼', '🧔‍♀️', '🤷‍♂️', '🐈‍⬛', '🐻‍❄️', '😶‍🌫️', '❤️‍🔥', '🙂‍↕️', '🀄', '🃏', '〰️', '©️',
  '®', '™', '🇦', '🇦🇦', '🏻', '‍', '️', '🉐', '𝕏', '🂡', '🈚',
];

function emoji(random) {
  const docs = [EMOJI.join(''), EMOJI.join(' '), EMOJI.join('\n')];
  for (let d = 0; d < 8; d++) {
    let s = '';
    while (s.length < 2500) {
      const r = random();
      if (r < 0.4) s += pick(random, EMOJI);
      else if (r < 0.6) s += ' ';
      else if (r < 0.8) s += pick(random, WORDS);
      else s += pick(random, EMOJI).repeat(int(random, 2, 9));
    }
    docs.push(s);
  }
  // regional indicators with an odd count: pairing must not be assumed
  docs.push('🇺🇸🇯'.repeat(50), '🇦'.repeat(101), '👨‍'.repeat(40) + '👩');
  return docs;
}

/** [precomposed, decomposed or otherwise canonically equivalent] pairs; NFC maps right → left. */
// prettier-ignore
const NFC_PAIRS = [
  ['é', 'e\u0301'], ['Å', 'A\u030a'], ['Å', '\u212b'], ['Ω', '\u2126'], ['K', '\u212a'],
  ['ệ', 'e\u0323\u0302'], ['ệ', 'e\u0302\u0323'], ['ṩ', 's\u0307\u0323'], ['ǘ', 'u\u0308\u0301'],
  ['한', '\u1112\u1161\u11ab'], ['가', '\u1100\u1161'], ['각', '\uac00\u11a8'], ['ḱ', 'k\u0301'],
  ['\u8c48', '\uf900'], ['\u0958', '\u0915\u093c'], ['ώ', '\u1f7d'], ['\u0344', '\u0308\u0301'],
  ['ô', 'o\u0302'], ['ñ', 'n\u0303'], ['ç', 'c\u0327'], ['ő', 'o\u030b'], ['ǖ', 'ü\u0304'],
  ['\u00c5\u0301', 'A\u030a\u0301'], ['が', 'か\u3099'], ['パ', 'ハ\u309a'], ['ﬁ', 'ﬁ'],
];

// prettier-ignore
const MARKED = [
  'Tiếng Việt có dấu: Người ta thường nói rằng học, học nữa, học mãi.',
  'Z̷̛̗͈a̵̢̛͍l̸̰̇g̶̣̈o̴̯͝ ̶̝̇t̵̢̏e̸̳͆x̶̱̄t̷̙̾ ̷̧̆Z̸͎̕ä̶̫l̵̼̈́g̵̰̈́ö̷̤́',
  'हिन्दी क्षत्रिय श्रृंखला द्वितीय ज्ञान', 'العَرَبِيَّةُ لُغَةٌ جَمِيلَةٌ',
  'עִבְרִית בְּרֵאשִׁית בָּרָא', 'ภาษาไทยมีวรรณยุกต์ ่ ้ ๊ ๋ น้ำ ผู้ใหญ่', 'ཀྲ་ཤིས་བདེ་ལེགས།',
  'ᄒᆞᆫ글 옛한글 ᄀᆞᄅᆞᆷ',
  'a\u0300\u0301\u0302\u0303\u0304\u0305\u0306\u0307\u0308\u0309\u030a\u030b\u030c\u030d\u030e',
  '\u0301 leading combining mark, \u20dd enclosing, \u0345\u0345 iota subscripts',
  'ﬀ ﬃ ℌ ㎞ ＡＢＣａｂｃ ｶﾀｶﾅ ㍻ ① ™ ℡ ǅ ǈ ǋ ʰ ʲ ˢ',
];

function combining(random) {
  const docs = [];
  docs.push(NFC_PAIRS.map(([a, b]) => `${a} ${b} ${a}${b} x${b}y`).join('\n'));
  docs.push(MARKED.join('\n'));
  for (let d = 0; d < 4; d++) {
    let s = '';
    while (s.length < 3000) {
      const [a, b] = pick(random, NFC_PAIRS);
      s += (random() < 0.5 ? a : b) + (random() < 0.2 ? pick(random, [' ', '\n', '.', '']) : '');
      if (random() < 0.05) s += pick(random, MARKED);
    }
    docs.push(s);
  }
  // marks stacked on every kind of base: letter, digit, space, punctuation, emoji, CJK
  const bases = ['a', '1', ' ', '.', '😀', '中', '\n', "'", 'ß'];
  const marks = [
    '\u0300',
    '\u0323',
    '\u0336',
    '\u093c',
    '\u05b7',
    '\u0e49',
    '\u302a',
    '\u1ab0',
    '\ufe20',
  ];
  docs.push(bases.map((b) => marks.map((m) => b + m.repeat(int(random, 1, 4))).join('')).join(' '));
  return docs;
}

function contractions(random) {
  const forms = [
    "'s",
    "'t",
    "'re",
    "'ve",
    "'m",
    "'ll",
    "'d",
    "'S",
    "'T",
    "'RE",
    "'Ve",
    "'M",
    "'LL",
    "'D",
    "'ſ",
    "'K",
    "'İ",
  ];
  const stems = [
    'don',
    'it',
    'you',
    'I',
    'WE',
    'they',
    'She',
    'could',
    'O',
    '',
    ' ',
    '1',
    '中',
    'é',
    "'",
  ];
  const docs = [];
  let s = '';
  for (const stem of stems)
    for (const f of forms) s += `${stem}${f} ${stem}${f}${f}x ${stem}${f}\n`;
  docs.push(s);
  docs.push(
    "I'M SURE YOU'LL SEE WE'D HAVE HE'S GOT IT'S THEY'RE WE'VE Don't dON'T ''s '''' 'sss 's's 'll'll",
    "rock 'n' roll, ’s and ‘t curly, ʼs modifier, ＇s fullwidth, `s backtick, \"s' quote",
    "'ſ 'ſt 'ſs ſ's l'homme aujourd'hui O'Brien rock'n'roll '1 '中 ' s ' t",
  );
  for (let d = 0; d < 3; d++) {
    let t = '';
    while (t.length < 2000)
      t += pick(random, stems) + pick(random, forms) + pick(random, ['', ' ', '\n', '.', "'"]);
    docs.push(t);
  }
  return docs;
}

/** Special and control-token strings of every tokenizer we load, plus near misses. */
// prettier-ignore
const SPECIALS = [
  '<|begin_of_text|>', '<|end_of_text|>', '<|eot_id|>', '<|eom_id|>', '<|start_header_id|>',
  '<|end_header_id|>', '<|python_tag|>', '<|finetune_right_pad_id|>',
  '<|reserved_special_token_0|>', '<|reserved_special_token_247|>',
  '<|reserved_special_token_999|>', '<|im_start|>', '<|im_end|>', '<|endoftext|>',
  '<|endofprompt|>', '<|fim_prefix|>', '<|fim_middle|>', '<|fim_suffix|>', '<|vision_start|>',
  '<tool_call>', '</tool_call>', '<think>', '</think>', '<s>', '</s>', '<unk>', '<pad>', '<bos>',
  '<eos>', '<mask>', '<start_of_turn>', '<end_of_turn>', '<unused0>', '<｜begin▁of▁sentence｜>',
  '<｜end▁of▁sentence｜>', '<｜User｜>', '<｜Assistant｜>', '<｜▁pad▁｜>', '<｜tool▁calls▁begin｜>',
  '<|User|>', '[INST]', '[/INST]', '<<SYS>>', '<</SYS>>',
];
// prettier-ignore
const NEAR_MISSES = [
  '<|im_sta', '<|begin_of_te', '<|', '|>', '<|im_start', 'im_start|>', '<|IM_START|>',
  '<| im_start |>', '<s', 's>', '< s>', '<S>', '<<s>>', '<s><s>', '</s></s>', '<|<|im_start|>|>',
  '<<|eot_id|>>', '<｜begin▁of▁sentence', '<｜begin of sentence｜>', '<|begin▁of▁sentence|>', '▁<s>▁',
  '<unk', '<un<unk>k>',
];

function specialTokens(random) {
  const docs = [SPECIALS.join(''), SPECIALS.join(' '), SPECIALS.join('\n'), NEAR_MISSES.join(' ')];
  const seps = ['', ' ', '  ', '\n', '\n\n', 'x', '中', '.', '\t', '😀'];
  for (let d = 0; d < 10; d++) {
    let s = '';
    while (s.length < 2500) {
      const r = random();
      s +=
        r < 0.35
          ? pick(random, SPECIALS)
          : r < 0.5
            ? pick(random, NEAR_MISSES)
            : pick(random, WORDS);
      s += pick(random, seps);
    }
    docs.push(s);
  }
  for (const t of SPECIALS) docs.push(t, ` ${t} `, `x${t}y`, `${t}${t}`, `\n${t}\n`);
  return docs;
}

const CHAT_TEMPLATES = {
  llama3: (msgs) =>
    '<|begin_of_text|>' +
    msgs.map(([r, c]) => `<|start_header_id|>${r}<|end_header_id|>\n\n${c}<|eot_id|>`).join('') +
    '<|start_header_id|>assistant<|end_header_id|>\n\n',
  chatml: (msgs) =>
    msgs.map(([r, c]) => `<|im_start|>${r}\n${c}<|im_end|>\n`).join('') + '<|im_start|>assistant\n',
  deepseek: (msgs) =>
    '<｜begin▁of▁sentence｜>' +
    msgs
      .map(([r, c]) =>
        r === 'system'
          ? c
          : r === 'user'
            ? `<｜User｜>${c}`
            : `<｜Assistant｜>${c}<｜end▁of▁sentence｜>`,
      )
      .join('') +
    '<｜Assistant｜><think>\n',
  llama2: (msgs) =>
    msgs.map(([r, c]) => (r === 'assistant' ? ` ${c} </s>` : `<s>[INST] ${c} [/INST]`)).join(''),
  gemma: (msgs) =>
    '<bos>' +
    msgs
      .map(
        ([r, c]) => `<start_of_turn>${r === 'assistant' ? 'model' : 'user'}\n${c}<end_of_turn>\n`,
      )
      .join('') +
    '<start_of_turn>model\n',
};

/** Chat transcripts in each model's template; message text is prose lines from the corpus. */
function chats(random, prose) {
  const lines = prose.flatMap((t) => t.split('\n')).filter((l) => l.trim().length > 20);
  const message = (n) => Array.from({ length: n }, () => pick(random, lines)).join(' ');
  const docs = [];
  for (const fmt of Object.values(CHAT_TEMPLATES)) {
    for (const turns of [1, 2, 5, 12]) {
      const msgs = [['system', message(2)]];
      for (let t = 0; t < turns; t++)
        msgs.push([t % 2 === 0 ? 'user' : 'assistant', message(int(random, 1, 6))]);
      docs.push(fmt(msgs));
    }
  }
  return docs;
}

/** Long runs without a pre-tokenizer split: worst cases for naive BPE merging. */
function bpeWorstCases(random) {
  const b64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const hex = '0123456789abcdef';
  const rand = (alphabet, n) =>
    Array.from({ length: n }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
  return [
    'a'.repeat(6000),
    'ab'.repeat(2000),
    'abc'.repeat(1000),
    ' '.repeat(2000) + 'x',
    '!'.repeat(2000),
    '.'.repeat(1000) + '\n' + '-'.repeat(1000) + '\n' + '='.repeat(1000),
    '```'.repeat(300),
    '\n'.repeat(2000),
    '中'.repeat(1500),
    'ก'.repeat(1000),
    'é'.repeat(1000),
    'e\u0301'.repeat(800),
    '😀'.repeat(800),
    '\u00a0'.repeat(1000),
    '▁'.repeat(1000),
    '▁▁x▁'.repeat(300),
    rand(b64, 6000),
    rand(hex, 4000),
    'https://example.com/' + rand(b64, 2000) + '?q=' + rand(hex, 300) + '#frag',
    rand('ab', 4000),
    rand('aA1 ', 4000),
    rand('ๅๆ็่้๊๋์ํ๎', 1500),
    'ภาษาไทยไม่มีการเว้นวรรคระหว่างคำเช่นเดียวกับภาษาจีนและภาษาญี่ปุ่น'.repeat(15),
    '日本語のテキストはスペースを使わずに書かれます。漢字とひらがなとカタカナが混在します。'.repeat(
      15,
    ),
  ];
}

/** Lone and misordered surrogates, control characters, noncharacters, private use. */
function oddCodeUnits(random) {
  const units = [
    '\ud800',
    '\udbff',
    '\udc00',
    '\udfff',
    '\ud83d',
    '\ude00',
    '\ude00\ud83d',
    '\ud83d\ud83d',
  ];
  const docs = units.flatMap((u) => [
    u,
    `a${u}b`,
    `${u}${u}`,
    ` ${u} `,
    `中${u}文`,
    `😀${u}😀`,
    `${u}<|im_start|>${u}`,
  ]);
  docs.push(
    'x\ud83d',
    '\ude00x',
    "don\ud800't",
    '123\udc00456',
    '\ud83d\ude00\ude00\ud83d\ud83d\ude00',
  );
  let s = '';
  while (s.length < 3000)
    s += random() < 0.2 ? pick(random, units) : pick(random, WORDS) + pick(random, ['', ' ']);
  docs.push(s);
  const controls =
    Array.from({ length: 32 }, (_, i) => cp(i)).join('') +
    '\u007f' +
    Array.from({ length: 32 }, (_, i) => cp(0x80 + i)).join('');
  docs.push(controls, controls.split('').join('x'), controls.split('').join(' '));
  docs.push(
    '\ufffd\ufffd replacement \ufffd',
    '\ufffe\uffff\ufdd0\ufdef noncharacters \u{1fffe}\u{10ffff}',
    '\ue000\uf8ff private use \u{f0000}\u{10fffd}',
    '\u0378\u0379 unassigned \u{e0001}\u{e0020}\u{e007f} tags \u{e0100} variation selector',
    '\u202eevil\u202c \u200e\u200f\u2066\u2069 bidi \u200c\u200d joiners \u2060 word joiner \u00ad soft hyphen',
    'nul\u0000inside\u0000\u0000text',
  );
  return docs;
}

/** Mixed case and scripts: Lu/Ll/Lt/Lm/Lo boundaries the \p{L} classes split on. */
function letterCase(random) {
  const pieces = [
    'HelloWorld',
    'XMLHttpRequest',
    'iPhone',
    "McDonald's",
    'ΑΒΓαβγΣσς',
    'ǅemal ǈub ǋ',
    'ʰʲˢ',
    'ẞtraße',
    'İstanbul ıi',
    'ǰ̌',
    'ŉ',
    'ﬀ',
    'Ǳ',
    'ᾼᾳ',
    'ԱԲԳաբգ',
    'ႠႡႢⴀⴁ',
    'ᏣᎳᎩ',
    'Ꙁꙁ',
    '𐐀𐐨',
    '𞤀𞤢',
    'ⓐⒶ',
    'camelCaseIdentifiers',
    'snake_case_name',
    'SCREAMING_CASE',
    'kebab-case',
    '__dunder__',
    '$jquery',
    'über',
    'ÜBER',
    'Ärger',
    'øre',
    'Ørsted',
    'ŀl',
    'Ŀl',
    'ꞵ',
    'Ɐ',
    'ɐ',
    'ᴀʙᴄ',
    '𝐀𝐁𝐂𝒶𝒷𝒸',
    'ﾊﾝｶｸ',
  ];
  const docs = [pieces.join(' '), pieces.join(''), pieces.join('\n')];
  for (let d = 0; d < 3; d++) {
    let s = '';
    while (s.length < 2000)
      s += pick(random, pieces) + pick(random, ['', ' ', '_', '-', '.', '\n', "'s ", '1']);
    docs.push(s);
  }
  return docs;
}

/** Code point ranges for random soup, with weights: mostly real scripts, some rare planes. */
// prettier-ignore
const SOUP_RANGES = [
  [0x20, 0x7e, 30], [0x09, 0x0d, 3], [0xa0, 0x24f, 6], [0x370, 0x52f, 4], [0x590, 0x6ff, 4],
  [0x900, 0xdff, 4], [0xe00, 0xeff, 3], [0x1100, 0x11ff, 1], [0x2000, 0x206f, 3],
  [0x2190, 0x2bff, 2], [0x3000, 0x30ff, 4], [0x4e00, 0x9fff, 8], [0xac00, 0xd7a3, 4],
  [0xf900, 0xfaff, 1], [0xfe00, 0xffff, 2], [0x1f300, 0x1faff, 4], [0x10000, 0x1ffff, 1],
  [0x20000, 0x2a6df, 1], [0xe0000, 0xe01ef, 1], [0x300, 0x36f, 3],
];

function soup(random) {
  const total = SOUP_RANGES.reduce((n, r) => n + r[2], 0);
  const draw = () => {
    let w = random() * total;
    for (const [lo, hi, weight] of SOUP_RANGES) {
      if ((w -= weight) <= 0) return lo + Math.floor(random() * (hi - lo + 1));
    }
    return 0x20;
  };
  const docs = [];
  for (let d = 0; d < 10; d++) {
    const codes = [];
    for (let i = 0; i < 2000; i++) {
      const c = draw();
      // surrogate code points become lone surrogates: intended, but keep them rare
      codes.push(c >= 0xd800 && c <= 0xdfff && random() < 0.9 ? 0x20 : c);
    }
    docs.push(String.fromCodePoint(...codes));
  }
  return docs;
}

/** Groups of synthetic documents: { name, source, docs }. `prose` feeds the chat transcripts. */
function synthesize(random, prose) {
  const groups = [
    ['whitespace', 'whitespace runs of 33 kinds, indentation, CRLF/CR files', whitespace],
    [
      'digits',
      'digit runs 1..1000 long, decimal digits of 35 scripts, No/Nl numbers, number formats',
      digits,
    ],
    ['emoji', 'emoji with VS16, ZWJ sequences, flags, tag sequences, skin tones, keycaps', emoji],
    [
      'combining',
      'precomposed vs decomposed (NFC) pairs, stacked marks, Indic/Arabic/Hebrew/Thai marks',
      combining,
    ],
    [
      'contractions',
      "apostrophe contractions in all cases, 'ſ 'K 'İ, curly and fullwidth quotes",
      contractions,
    ],
    [
      'special-tokens',
      'special-token strings of every model, embedded, adjacent and near misses',
      specialTokens,
    ],
    [
      'chat',
      'chat transcripts in the Llama 3, ChatML, DeepSeek, Llama 2 and Gemma templates',
      (r) => chats(r, prose),
    ],
    [
      'bpe-worst-cases',
      'long runs without splits: repeats, base64, hex, Thai, Japanese',
      bpeWorstCases,
    ],
    [
      'odd-code-units',
      'lone surrogates, C0/C1 controls, noncharacters, private use, bidi controls',
      oddCodeUnits,
    ],
    ['letter-case', 'mixed case and script boundaries (Lu/Ll/Lt/Lm/Lo)', letterCase],
    ['soup', 'random code points from weighted Unicode blocks', soup],
  ];
  return groups.map(([name, source, make]) => ({
    name,
    source: `synthetic (${source})`,
    docs: make(random),
  }));
}

module.exports = { synthesize };
