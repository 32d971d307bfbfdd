/**
 * The tokenizer part of the C++ addon (native/binding/tokenizer/*). Handles are process-wide:
 * a tokenizer loaded on one thread can be used from every thread (piscina workers included)
 * that loaded the addon, until tokenizerFree. Engines are immutable after load and safe to use
 * from several threads at once. Argument errors throw TypeError synchronously (an unknown or
 * freed handle counts as one); no C++ exception crosses.
 *
 * Encoding follows Hugging Face `tokenizers` exactly (tokenizer.json's `truncation` and
 * `padding` are ignored): special tokens written in the text are recognised whether or not
 * addSpecialTokens is set; addSpecialTokens only runs the post-processor (e.g. BOS). tiktoken
 * files behave like tiktoken's `encode(text, 'all')`, i.e. special tokens are always
 * recognised too.
 */
export interface NativeTokenizerInfo {
  /** Size of the id space: max id + 1 over the model vocabulary and added tokens. */
  readonly vocabSize: number;
  /** 'hf' for tokenizer.json, 'tiktoken' for *.tiktoken rank files. */
  readonly kind: 'hf' | 'tiktoken';
  /** Model family: 'byte_level_bpe' | 'sentencepiece_bpe' | 'tiktoken'. */
  readonly model: string;
  /** Content of every special added token, with its id. */
  readonly specialTokens: readonly { readonly content: string; readonly id: number }[];
  readonly bosToken?: string;
  readonly eosToken?: string;
}

export interface NativeDecodeStream {
  /** Feeds one id; returns newly complete text, or '' while the UTF-8 is incomplete. */
  step(id: number): string;
  /** Returns whatever is still held back (invalid tail as U+FFFD). */
  flush(): string;
}

export interface NativeTokenizerAddon {
  /**
   * Loads a tokenizer.json (with its sibling tokenizer_config.json when present), a
   * *.tiktoken rank file, or a directory holding tokenizer.json or exactly one *.tiktoken, off
   * the JS thread. Rejects with an Error whose message names the unsupported component or the
   * parse problem (file, byte offset). A non-string or empty `file` throws TypeError.
   */
  tokenizerLoad(file: string): Promise<number>;
  /** Idempotent: freeing an unknown or already freed handle does nothing. */
  tokenizerFree(handle: number): void;
  tokenizerInfo(handle: number): NativeTokenizerInfo;
  tokenizerEncode(handle: number, text: string, addSpecialTokens: boolean): Uint32Array;
  tokenizerEncodeBatch(
    handle: number,
    texts: readonly string[],
    addSpecialTokens: boolean,
  ): Uint32Array[];
  /**
   * Ids must be < vocabSize (RangeError naming the id otherwise); ids below vocabSize that have
   * no token are skipped, like HF. Invalid UTF-8 decodes to U+FFFD as HF does.
   */
  tokenizerDecode(handle: number, ids: Uint32Array, skipSpecialTokens: boolean): string;
  /** Added tokens first, then the model vocabulary (token strings as in the file). */
  tokenizerTokenToId(handle: number, token: string): number | undefined;
  /** undefined when the id has no token; `id` must be a non-negative integer (TypeError). */
  tokenizerIdToToken(handle: number, id: number): string | undefined;
  /**
   * HF's DecodeStream. The stream holds its own reference to the tokenizer (it keeps working
   * after tokenizerFree); step() throws RangeError for ids >= vocabSize.
   */
  readonly TokenizerDecodeStream: new (
    handle: number,
    skipSpecialTokens: boolean,
  ) => NativeDecodeStream;
}
