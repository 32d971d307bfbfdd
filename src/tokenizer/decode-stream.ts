import type { NativeDecodeStream, NativeTokenizerAddon } from '../native/tokenizer-addon';
import { withCode } from './errors';

/**
 * Incremental detokenizer (the addon's DecodeStream: holds back incomplete UTF-8 and
 * emits only newly completed text). Ids are checked here so a bad id is a RangeError
 * with its value and code `invalid_token_ids`, whatever the engine does.
 */
export class DecodeStream {
  private readonly native: NativeDecodeStream;

  constructor(
    addon: NativeTokenizerAddon,
    handle: number,
    skipSpecialTokens: boolean,
    private readonly vocabSize: number,
    private readonly alive: () => void,
  ) {
    this.native = new addon.TokenizerDecodeStream(handle, skipSpecialTokens);
  }

  /** Feeds one id; returns the newly complete text ('' while a character is incomplete). */
  step(id: number): string {
    this.alive();
    checkId(id, this.vocabSize);
    return this.native.step(id);
  }

  /** Feeds several ids; returns the text they complete. */
  stepMany(ids: ArrayLike<number>): string {
    let out = '';
    for (let i = 0; i < ids.length; i++) out += this.step(ids[i] as number);
    return out;
  }

  /** Returns what is still held back (an incomplete tail becomes U+FFFD). */
  flush(): string {
    this.alive();
    return this.native.flush();
  }
}

export function checkId(id: number, vocabSize: number, where = 'id'): void {
  if (!Number.isInteger(id) || id < 0) {
    throw badId(`${where}: token id must be a non-negative integer, got ${id}`);
  }
  if (id >= vocabSize) {
    throw badId(`${where}: token id ${id} is out of range (vocab size ${vocabSize})`);
  }
}

function badId(message: string): RangeError {
  return withCode(new RangeError(message), 'invalid_token_ids');
}
