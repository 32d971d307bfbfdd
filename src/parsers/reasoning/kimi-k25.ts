/** `kimi_k25` reasoning parser (SMG): Kimi K2.5: `<think>`/`</think>`, reasoning only after a start token. */
import { createThinkTagParser, THINK } from './think-tags';

export const kimiK25Parser = createThinkTagParser({
  name: 'kimi_k25',
  ...THINK,
  alwaysInReasoning: false,
});
