/** `qwen_coder`: SMG registers its QwenXmlParser under this name too (see qwen-xml.ts). */
import { createQwenXmlParser } from './qwen-xml';

export const qwenCoderParser = createQwenXmlParser('qwen_coder');
