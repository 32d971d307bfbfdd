/**
 * `deepseek_v4` (DeepSeek V4): the DSML format with the outer block `<｜DSML｜tool_calls>`
 * (SMG's `DeepSeekDsmlParser::v4`); see common/dsml.ts for the rules.
 */
import { createDsmlParser } from './common/dsml';

export const deepseekV4Parser = createDsmlParser('deepseek_v4', 'tool_calls');
