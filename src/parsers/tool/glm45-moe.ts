/**
 * `glm45_moe` (GLM-4.5 / 4.6): the function name is the first line of the block
 * (`<tool_call>([^\n]*)\n(.*)</tool_call>`); a block without a newline gives no call.
 * Everything else is shared with glm47_moe (common/glm-moe.ts).
 */
import { createGlmMoeParser } from './common/glm-moe';
import { rustTrim } from './common/text';

export const glm45MoeParser = createGlmMoeParser('glm45_moe', (content) => {
  const nl = content.indexOf('\n');
  if (nl < 0) return undefined;
  return { name: rustTrim(content.slice(0, nl)), args: content.slice(nl + 1) };
});
