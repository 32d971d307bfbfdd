/** `passthrough` (SMG's PassthroughParser): no calls; the text is returned unchanged. */
import type { ToolParser } from './types';

export const passthroughParser: ToolParser = {
  name: 'passthrough',
  parse: (text) => ({ normalText: text, calls: [] }),
  stream: () => ({
    push: (chunk) => ({ normalText: chunk, calls: [] }),
    finish: () => ({ normalText: '', calls: [] }),
  }),
  hasMarkers: () => false,
};
