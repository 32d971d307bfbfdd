import base from './base';
import cohereCmd from './cohere-cmd';
import deepseekR1 from './deepseek-r1';
import deepseekV31 from './deepseek-v31';
import glm45 from './glm45';
import inkling from './inkling';
import kimiK25 from './kimi-k25';
import kimiK3 from './kimi-k3';
import kimiThinking from './kimi-thinking';
import kimi from './kimi';
import minimax from './minimax';
import nanoV3 from './nano-v3';
import passthrough from './passthrough';
import qwen3Thinking from './qwen3-thinking';
import qwen3 from './qwen3';
import step3 from './step3';
import type { ReasoningParserVectors } from './types';

export const REASONING_VECTORS: readonly ReasoningParserVectors[] = [
  base,
  cohereCmd,
  deepseekR1,
  deepseekV31,
  glm45,
  inkling,
  kimiK25,
  kimiK3,
  kimiThinking,
  kimi,
  minimax,
  nanoV3,
  passthrough,
  qwen3Thinking,
  qwen3,
  step3,
];
