/** Every parser's contract vectors; the suite requires one entry per registered parser. */
import { deepseekVectors } from './deepseek';
import { deepseek31Vectors } from './deepseek31';
import { deepseek32Vectors } from './deepseek32';
import { jsonVectors } from './json';
import { llamaVectors } from './llama';
import { mistralVectors } from './mistral';
import { passthroughVectors } from './passthrough';
import { pythonicVectors } from './pythonic';
import { qwenVectors } from './qwen';
import { qwenCoderVectors, qwenXmlVectors } from './qwen-xml';
import type { ToolParserVectors } from './types';

export const TOOL_VECTORS: readonly ToolParserVectors[] = [
  passthroughVectors,
  jsonVectors,
  mistralVectors,
  qwenVectors,
  qwenXmlVectors,
  qwenCoderVectors,
  pythonicVectors,
  llamaVectors,
  deepseekVectors,
  deepseek31Vectors,
  deepseek32Vectors,
];
