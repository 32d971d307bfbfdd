/**
 * `deepseek_v4` (DeepSeek V4): the DSML format of deepseek32 with the outer block
 * `<｜DSML｜tool_calls>` (SMG's `DeepSeekDsmlParser::v4`); see deepseek32.ts for the rules.
 */
import { createDsmlParser } from './deepseek32';

export const deepseekV4Parser = createDsmlParser('deepseek_v4', 'tool_calls');
