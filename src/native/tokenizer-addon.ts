/**
 * The tokenizer part of the C++ addon (native/binding/tokenizer/*). Handles are process-wide:
 * a tokenizer loaded on one thread can be used from every thread (piscina workers included)
 * that loaded the addon, until tokenizerFree. Engines are immutable after load and safe to use
 * from several threads at once. Argument errors throw TypeError; no C++ exception crosses.
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
   * Loads a tokenizer.json (with its sibling tokenizer_config.json when present) or a
   * *.tiktoken rank file, off the JS thread. Rejects with an Error whose message names the
   * unsupported component or the parse problem (file, offset).
   */
  tokenizerLoad(file: string): Promise<number>;
  tokenizerFree(handle: number): void;
  tokenizerInfo(handle: number): NativeTokenizerInfo;
  tokenizerEncode(handle: number, text: string, addSpecialTokens: boolean): Uint32Array;
  tokenizerEncodeBatch(handle: number, texts: readonly string[], addSpecialTokens: boolean): Uint32Array[];
  /** Ids must be < vocabSize (RangeError otherwise). */
  tokenizerDecode(handle: number, ids: Uint32Array, skipSpecialTokens: boolean): string;
  tokenizerTokenToId(handle: number, token: string): number | undefined;
  tokenizerIdToToken(handle: number, id: number): string | undefined;
  readonly TokenizerDecodeStream: new (handle: number, skipSpecialTokens: boolean) => NativeDecodeStream;
}
