/**
 * `deepseek31` (SMG's DeepSeek31Parser, DeepSeek-V3.1 and V3.2-Exp):
 * `<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>NAME<｜tool▁sep｜>{…}<｜tool▁call▁end｜><｜tool▁calls▁end｜>`.
 *
 * Name = text before the first separator (trimmed, not empty); arguments = the rest (trimmed,
 * valid JSON; a non-object becomes `{"value": …}`). Normal text is the text before
 * `<｜tool▁calls▁begin｜>`; with no call, the whole text.
 */
import { createSectionParser } from './common/section';
import {
  DEEPSEEK_CALL_BEGIN,
  DEEPSEEK_CALL_END,
  DEEPSEEK_CALLS_BEGIN,
  DEEPSEEK_SEP,
  deepseekCall,
} from './deepseek';

export const deepseek31Parser = createSectionParser({
  name: 'deepseek31',
  sectionStart: DEEPSEEK_CALLS_BEGIN,
  blockStart: DEEPSEEK_CALL_BEGIN,
  blockEnd: DEEPSEEK_CALL_END,
  noCalls: 'whole',
  parseBlock(content) {
    const sep = content.indexOf(DEEPSEEK_SEP);
    if (sep < 0) return [];
    const call = deepseekCall(content.slice(0, sep), content.slice(sep + DEEPSEEK_SEP.length));
    return call === undefined ? [] : [call];
  },
});
