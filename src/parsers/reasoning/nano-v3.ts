/** `nano_v3` reasoning parser (SMG): Nemotron nano/super v3: `<think>`/`</think>`, reasoning only after a start token. */
import { createThinkTagParser, THINK } from './think-tags';

export const nanoV3Parser = createThinkTagParser({
  name: 'nano_v3',
  ...THINK,
  alwaysInReasoning: false,
});
