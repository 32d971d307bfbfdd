/** `kimi` reasoning parser (SMG): Kimi's unicode tokens `◁think▷`/`◁/think▷`, reasoning only after a start token. */
import { createThinkTagParser } from './think-tags';

export const kimiParser = createThinkTagParser({
  name: 'kimi',
  start: '◁think▷',
  end: '◁/think▷',
  alwaysInReasoning: false,
});
