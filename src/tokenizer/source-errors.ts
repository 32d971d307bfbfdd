/** Why a tokenizer source could not be resolved; the message is meant for the user. */
export type TokenizerSourceErrorCode =
  /** A local path that does not exist (and is not a Hub id). */
  | 'not_found'
  /** A directory without tokenizer.json or a single *.tiktoken, or an unsupported file. */
  | 'no_tokenizer'
  /** A Hub id not in the local cache while downloads are off. */
  | 'not_cached'
  /** The Hub answered 404 (repository, revision or file). */
  | 'hub_not_found'
  /** The Hub answered 401/403. */
  | 'hub_unauthorized'
  /** Any other Hub or network failure. */
  | 'hub_error'
  /** A downloaded file is truncated or not valid JSON. */
  | 'corrupt';

export class TokenizerSourceError extends Error {
  override readonly name = 'TokenizerSourceError';
  constructor(
    readonly code: TokenizerSourceErrorCode,
    message: string,
  ) {
    super(message);
  }
}
