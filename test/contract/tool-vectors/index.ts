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
import { cohereVectors } from './cohere';
import { deepseekV4Vectors } from './deepseek-v4';
import { glm45MoeVectors } from './glm45-moe';
import { glm47MoeVectors } from './glm47-moe';
import { inklingVectors } from './inkling';
import { kimiK3Vectors } from './kimi-k3';
import { kimik2Vectors } from './kimik2';
import { minimaxM2Vectors } from './minimax-m2';
import { sarashinaVectors } from './sarashina';
import { step3Vectors } from './step3';

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
  // tool-b's parsers
  deepseekV4Vectors,
  glm45MoeVectors,
  glm47MoeVectors,
  step3Vectors,
  sarashinaVectors,
  kimik2Vectors,
  kimiK3Vectors,
  inklingVectors,
  minimaxM2Vectors,
  cohereVectors,
];
