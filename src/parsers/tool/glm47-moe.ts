/**
 * `glm47_moe` (GLM-4.7 / GLM-5): the function name is the first run of characters that are
 * neither whitespace nor `<` (`<tool_call>\s*([^<\s]+)\s*(.*?)</tool_call>`), so the name may be
 * followed directly by `<arg_key>`; a block starting with `<` gives no call.
 * Everything else is shared with glm45_moe (common/glm-moe.ts).
 */
import { createGlmMoeParser } from './common/glm-moe';
import { skipRustWhitespace } from './common/lazy-scan';
import { isRustWhitespaceCode } from './common/text';

export const glm47MoeParser = createGlmMoeParser('glm47_moe', (content) => {
  const start = skipRustWhitespace(content, 0);
  let end = start;
  while (end < content.length) {
    const c = content.charCodeAt(end);
    if (c === 0x3c || isRustWhitespaceCode(c)) break;
    end++;
  }
  if (end === start) return undefined;
  return { name: content.slice(start, end), args: content.slice(end) };
});
