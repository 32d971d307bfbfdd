/**
 * With `return_logprob`, the prefill engine computed the prompt's logprobs and the decode
 * engine did not: the prefill answer's meta_info.input_token_logprobs go in front of the
 * decode answer's (SMG §5.4), in buffered answers and in every streamed event.
 */

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The prefill answer's input_token_logprobs (per item for a batch), or undefined. */
export function prefillLogprobs(prefillBody: string): unknown[] | undefined {
  let j: unknown;
  try {
    j = JSON.parse(lastEvent(prefillBody));
  } catch {
    return undefined;
  }
  const first: unknown = Array.isArray(j) ? (j as unknown[])[0] : j;
  const meta = isObj(first) ? first['meta_info'] : undefined;
  const lp = isObj(meta) ? meta['input_token_logprobs'] : undefined;
  return Array.isArray(lp) ? lp : undefined;
}

/** A streamed prefill answer (SSE): its last JSON event; otherwise the body itself. */
function lastEvent(body: string): string {
  if (!body.startsWith('data:')) return body;
  const events = body
    .split('\n\n')
    .map((e) => e.trim())
    .filter((e) => e.startsWith('data:') && !e.startsWith('data: [DONE]'));
  const last = events[events.length - 1];
  return last === undefined ? '' : last.slice(5).trim();
}

/** Merges into one decode result object in place; true when something was merged. */
export function mergeInto(decode: unknown, prefill: readonly unknown[]): boolean {
  if (!isObj(decode)) return false;
  const meta = decode['meta_info'];
  if (!isObj(meta)) return false;
  const own = meta['input_token_logprobs'];
  if (!Array.isArray(own)) return false;
  meta['input_token_logprobs'] = [...prefill, ...(own as unknown[])];
  return true;
}

/** A buffered decode answer with the prefill logprobs merged (unchanged when it cannot be). */
export function mergeAnswer(decodeBody: Buffer, prefill: readonly unknown[]): Buffer {
  let j: unknown;
  try {
    j = JSON.parse(decodeBody.toString('utf8'));
  } catch {
    return decodeBody;
  }
  const merged = Array.isArray(j)
    ? j.map((item) => mergeInto(item, prefill)).some(Boolean)
    : mergeInto(j, prefill);
  return merged ? Buffer.from(JSON.stringify(j)) : decodeBody;
}

/**
 * Merges into the events of a streamed decode chunk. Chunks need not align with events:
 * an incomplete trailing event is kept in `carry` for the next call.
 */
export interface StreamMerger {
  push(chunk: Buffer): Buffer;
  /** What is left at the end of the stream. */
  flush(): Buffer;
}

export function createStreamMerger(prefill: readonly unknown[]): StreamMerger {
  let carry = '';
  const push = (chunk: Buffer): Buffer => {
    const text = carry + chunk.toString('utf8');
    const cut = text.lastIndexOf('\n\n');
    if (cut < 0) {
      carry = text;
      return Buffer.alloc(0);
    }
    carry = text.slice(cut + 2);
    const events = text.slice(0, cut + 2).split('\n\n');
    const out = events.map((ev) => {
      if (!ev.startsWith('data: ') || ev.startsWith('data: [DONE]')) return ev;
      try {
        const j: unknown = JSON.parse(ev.slice(6));
        return mergeInto(j, prefill) ? `data: ${JSON.stringify(j)}` : ev;
      } catch {
        return ev;
      }
    });
    return Buffer.from(out.join('\n\n'));
  };
  return {
    push,
    flush() {
      const rest = carry;
      carry = '';
      return Buffer.from(rest);
    },
  };
}
