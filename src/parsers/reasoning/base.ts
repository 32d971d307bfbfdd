/** `base` reasoning parser (SMG): the default configuration: `<think>`/`</think>`, reasoning only after a start token. */
import { createThinkTagParser, THINK } from './think-tags';

export const baseParser = createThinkTagParser({
  name: 'base',
  ...THINK,
  alwaysInReasoning: false,
});
