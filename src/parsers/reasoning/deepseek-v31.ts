/** `deepseek_v31` reasoning parser (SMG): DeepSeek V3.1: `<think>`/`</think>`, reasoning only after a start token. */
import { createThinkTagParser, THINK } from './think-tags';

export const deepseekV31Parser = createThinkTagParser({
  name: 'deepseek_v31',
  ...THINK,
  alwaysInReasoning: false,
});
