/** `minimax` reasoning parser (SMG): `<think>`/`</think>`, always in reasoning (the template pre-fills `<think>`). */
import { createThinkTagParser, THINK } from './think-tags';

export const minimaxParser = createThinkTagParser({
  name: 'minimax',
  ...THINK,
  alwaysInReasoning: true,
});
