import { GatewayError } from '../errors/gateway-error';
import { codeOf, NATIVE_ERROR_CODES } from '../native/errors';
import { TokenizerSourceError } from './source-errors';

/**
 * The `code` every error of the tokenizer library carries: the addon's (set at the N-API
 * boundary) plus the ones this layer adds. The error classes stay what they were (TypeError
 * for arguments, RangeError for ids), the code is a property on them.
 */
export const TOKENIZER_ERROR_CODES = [
  ...NATIVE_ERROR_CODES,
  /** An id that is not an integer in [0, vocabSize) (RangeError). */
  'invalid_token_ids',
  /** loadTokenizer: the engine could not load the resolved file. */
  'tokenizer_load_failed',
  /** A tokenizer (or its pool) used after close(). */
  'tokenizer_closed',
] as const;

export type TokenizerErrorCode = (typeof TOKENIZER_ERROR_CODES)[number];

export type CodedError<E extends Error = Error> = E & { readonly code: TokenizerErrorCode };

/** Gives `err` a code unless it already has one (the addon's own wins); returns it. */
export function withCode<E extends Error>(err: E, code: TokenizerErrorCode): CodedError<E> {
  if (codeOf(err) === undefined) Object.assign(err, { code });
  return err as CodedError<E>;
}

/** The library code of `err`, or undefined when it is not one of the library's errors. */
export function tokenizerErrorCode(err: unknown): TokenizerErrorCode | undefined {
  const code = codeOf(err);
  return (TOKENIZER_ERROR_CODES as readonly string[]).includes(code ?? '')
    ? (code as TokenizerErrorCode)
    : undefined;
}

/** The route an error is answered on: each has its own failure code (SMG's `type`). */
export type TokenizerOp = 'tokenize' | 'detokenize';

const FAILED = { tokenize: 'tokenize_failed', detokenize: 'detokenize_failed' } as const;
const FAILED_MESSAGE = {
  tokenize: 'Tokenization failed',
  detokenize: 'Detokenization failed',
} as const;

/**
 * The gateway error for an encode/decode failure, or undefined for an error that is a bug
 * (an argument error, or not the library's): the caller rethrows it, and it is logged with
 * the request id and answered 500 internal_error.
 */
export function tokenizerGatewayError(op: TokenizerOp, err: unknown): GatewayError | undefined {
  const code = tokenizerErrorCode(err);
  const message = err instanceof Error ? err.message : '';
  switch (code) {
    case 'invalid_token_ids':
      return new GatewayError('invalid_token_ids', message, { cause: err });
    case 'native_failure':
    case 'tokenizer_closed':
    case 'tokenizer_load_failed':
      // SMG echoes the tokenizer's error text here ("Tokenization failed: …")
      return new GatewayError(FAILED[op], `${FAILED_MESSAGE[op]}: ${message}`, { cause: err });
    case 'invalid_argument':
    case undefined:
      return undefined;
  }
}

/**
 * The gateway error when the tokenizer for `model` could not be loaded in this process (its
 * file vanished, or the engine refused it): the route's failure code, without the detail
 * (paths), which the caller logs. Undefined for anything else.
 */
export function tokenizerLoadGatewayError(
  op: TokenizerOp,
  model: string,
  err: unknown,
): GatewayError | undefined {
  const loadFailure =
    err instanceof TokenizerSourceError || tokenizerErrorCode(err) === 'tokenizer_load_failed';
  if (!loadFailure) return undefined;
  return new GatewayError(FAILED[op], `Tokenizer for model '${model}' could not be loaded`, {
    cause: err,
  });
}
