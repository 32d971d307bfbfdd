// Adds `ids` to every case of a chat-parity fixture: the HF Rust tokenizer (the `tokenizers`
// crate through @anush008/tokenizers) over the rendered text, without added special tokens
// (the template already has them).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const { Tokenizer } = createRequire(import.meta.url)('@anush008/tokenizers');
const file = process.argv[2];
const fixture = JSON.parse(fs.readFileSync(file, 'utf8'));
const dir = path.resolve(path.dirname(file), '..', '..', '..', fixture.tokenizer);
const tok = Tokenizer.fromFile(path.join(dir, 'tokenizer.json'));
for (const c of fixture.cases) {
  c.ids =
    c.text === null
      ? null
      : Array.from((await tok.encode(c.text, null, { addSpecialTokens: false })).getIds());
}
fs.writeFileSync(file, `${JSON.stringify(fixture, null, 1)}\n`);
