/** `glm45` reasoning parser (SMG): `<think>`/`</think>` as qwen3 (GLM-4.5, 4.7 and 5 share it). */
import { createThinkTagParser, THINK } from './think-tags';

export const glm45Parser = createThinkTagParser({
  name: 'glm45',
  ...THINK,
  alwaysInReasoning: false,
});
