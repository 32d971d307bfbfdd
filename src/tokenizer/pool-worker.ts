import { defaultTokenizerAddon } from './native';
import { toPoolFailure, type PoolTask, type PoolResults } from './pool-messages';

// Loaded once per pool thread; the addon is context-aware and its handles are process-wide.
// JS-engine handles are per thread: the task names the file to load them from.
const addon = defaultTokenizerAddon();

/**
 * The piscina task handler. An error rejects the task as a PoolFailure, so its `code`
 * (native/errors.ts) reaches the calling thread.
 */
export default function run(task: PoolTask): PoolResults[PoolTask['op']] {
  try {
    return execute(task);
  } catch (err) {
    // a plain object on purpose: it crosses the thread boundary whole, an Error loses its code
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    throw toPoolFailure(err);
  }
}

function execute(task: PoolTask): PoolResults[PoolTask['op']] {
  if (task.op !== 'ping' && task.file !== undefined) addon.js.ensure(task.handle, task.file);
  switch (task.op) {
    case 'encode':
      return addon.tokenizerEncode(task.handle, task.text, task.add);
    case 'encodeBatch':
      return addon.tokenizerEncodeBatch(task.handle, task.texts, task.add);
    case 'decode':
      return addon.tokenizerDecode(task.handle, task.ids, task.skip);
    case 'ping':
      return 'ok';
  }
}
