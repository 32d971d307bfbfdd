/** `qwen3` reasoning parser (SMG): `<think>`/`</think>`, reasoning only after a start token. */
import { createThinkTagParser, THINK } from './think-tags';

export const qwen3Parser = createThinkTagParser({
  name: 'qwen3',
  ...THINK,
  alwaysInReasoning: false,
});
