/** `qwen3_thinking` reasoning parser (SMG): `<think>`/`</think>`, always in reasoning. */
import { createThinkTagParser, THINK } from './think-tags';

export const qwen3ThinkingParser = createThinkTagParser({
  name: 'qwen3_thinking',
  ...THINK,
  alwaysInReasoning: true,
});
