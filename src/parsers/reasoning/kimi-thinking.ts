/** `kimi_thinking` reasoning parser (SMG): Kimi K2 thinking: `<think>`/`</think>`, always in reasoning. */
import { createThinkTagParser, THINK } from './think-tags';

export const kimiThinkingParser = createThinkTagParser({
  name: 'kimi_thinking',
  ...THINK,
  alwaysInReasoning: true,
});
