/** `step3` reasoning parser (SMG): `<think>`/`</think>`, always in reasoning. */
import { createThinkTagParser, THINK } from './think-tags';

export const step3Parser = createThinkTagParser({
  name: 'step3',
  ...THINK,
  alwaysInReasoning: true,
});
