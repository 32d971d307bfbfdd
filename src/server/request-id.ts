import { randomAlnumAfter } from '../util/uuid';

/** SMG's generated-id prefixes by path suffix (§0.1). */
export function requestIdPrefix(path: string): string {
  if (path.endsWith('/chat/completions')) return 'chatcmpl-';
  if (path.endsWith('/completions')) return 'cmpl-';
  if (path.endsWith('/generate')) return 'gnt-';
  if (path.endsWith('/responses')) return 'resp-';
  if (path.endsWith('/messages')) return 'msg_';
  return 'req-';
}

/** The first configured header present (non-blank), else a generated id. */
export function resolveRequestId(
  headers: ReadonlyMap<string, string>,
  names: readonly string[],
  path: string,
  /** `requestIdPrefix(path)`, when the caller has it already. */
  prefix?: string,
): string {
  for (const n of names) {
    const v = headers.get(n);
    if (v !== undefined && v.trim() !== '') return v;
  }
  return randomAlnumAfter(prefix ?? requestIdPrefix(path), 24);
}
