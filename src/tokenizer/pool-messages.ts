/**
 * Messages between the calling thread and the tokenizer pool threads. Handles are the
 * addon's process-wide tokenizer handles: a pool thread uses the handle the calling thread
 * loaded, it never loads a tokenizer itself.
 */
export type PoolTask =
  | { readonly op: 'encode'; readonly handle: number; readonly text: string; readonly add: boolean }
  | {
      readonly op: 'encodeBatch';
      readonly handle: number;
      readonly texts: readonly string[];
      readonly add: boolean;
    }
  | {
      readonly op: 'decode';
      readonly handle: number;
      readonly ids: Uint32Array;
      readonly skip: boolean;
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
