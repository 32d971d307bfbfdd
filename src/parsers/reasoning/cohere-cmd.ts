/** `cohere_cmd` reasoning parser (SMG): Cohere Command's `<|START_THINKING|>`/`<|END_THINKING|>`, reasoning only after a start token. */
import { createThinkTagParser } from './think-tags';

export const cohereCmdParser = createThinkTagParser({
  name: 'cohere_cmd',
  start: '<|START_THINKING|>',
  end: '<|END_THINKING|>',
  alwaysInReasoning: false,
});
