/**
 * Messages between the calling thread and the tokenizer pool threads. Native handles are the
 * addon's process-wide tokenizer handles: a pool thread uses the handle the calling thread
 * loaded. JS-engine handles (js-engine.ts) come with their `file`: JS objects cannot cross
 * threads, so the pool thread loads its own copy once.
 */
export type PoolTask =
  | {
      readonly op: 'encode';
      readonly handle: number;
      readonly text: string;
      readonly add: boolean;
      readonly file?: string;
    }
  | {
      readonly op: 'encodeBatch';
      readonly handle: number;
      readonly texts: readonly string[];
      readonly add: boolean;
      readonly file?: string;
    }
  | {
      readonly op: 'decode';
      readonly handle: number;
      readonly ids: Uint32Array;
      readonly skip: boolean;
      readonly file?: string;
    }
  /** Warms a thread up (loads the addon) and answers 'ok'. */
  | { readonly op: 'ping' };

/** What each task resolves to. */
export interface PoolResults {
  encode: Uint32Array;
  encodeBatch: Uint32Array[];
  decode: string;
  ping: 'ok';
}

/**
 * A failed task as it crosses back to the calling thread. A structured clone keeps an
 * Error's class and message but drops its own properties, the `code` among them: the pool
 * thread throws this plain object instead and the calling thread rebuilds the error.
 */
export interface PoolFailure {
  readonly kind: 'pool_failure';
  /** 'TypeError' | 'RangeError' | anything else (rebuilt as Error). */
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly stack?: string;
}

/** What a pool thread throws for `err`. */
export function toPoolFailure(err: unknown): PoolFailure {
  if (!(err instanceof Error)) return { kind: 'pool_failure', name: 'Error', message: String(err) };
  const code: unknown = (err as Error & { code?: unknown }).code;
  return {
    kind: 'pool_failure',
    name: err.name,
    message: err.message,
    ...(typeof code === 'string' ? { code } : {}),
    ...(err.stack !== undefined ? { stack: err.stack } : {}),
  };
}

function isPoolFailure(v: unknown): v is PoolFailure {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'pool_failure';
}

/** The calling thread's error for what a pool task rejected with (other values unchanged). */
export function fromPoolFailure(v: unknown): unknown {
  if (!isPoolFailure(v)) return v;
  const Ctor = v.name === 'TypeError' ? TypeError : v.name === 'RangeError' ? RangeError : Error;
  const err = new Ctor(v.message);
  if (v.code !== undefined) Object.assign(err, { code: v.code });
  if (v.stack !== undefined) err.stack = v.stack;
  return err;
}
