/**
 * `passthrough` reasoning parser (SMG): everything is normal text, byte for byte; no buffer
 * limit (SMG's PassthroughParser checks none). The fallback of model auto-selection.
 */
import { normalOnly } from './text';
import type { ReasoningParser } from './types';

export const passthroughParser: ReasoningParser = {
  name: 'passthrough',
  parse: (text) => normalOnly(text),
  stream: () => ({ push: (chunk) => normalOnly(chunk), finish: () => normalOnly('') }),
};
