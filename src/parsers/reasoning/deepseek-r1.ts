/** `deepseek_r1` reasoning parser (SMG): `<think>`/`</think>`, always in reasoning (the template pre-fills `<think>`). */
import { createThinkTagParser, THINK } from './think-tags';

export const deepseekR1Parser = createThinkTagParser({
  name: 'deepseek_r1',
  ...THINK,
  alwaysInReasoning: true,
});
