/** Every parser's contract vectors; the suite requires one entry per registered parser. */
import { passthroughVectors } from './passthrough';
import { qwenVectors } from './qwen';
import type { ToolParserVectors } from './types';

export const TOOL_VECTORS: readonly ToolParserVectors[] = [passthroughVectors, qwenVectors];
