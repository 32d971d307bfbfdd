import { MAX_BUFFER_BYTES } from '../../../src/parsers/reasoning/text';
import type { ReasoningParserVectors } from './types';

const TOOL_BLOCK =
  '<|content_invoke_tool_json|>{"name":"search","args":{"q":"rust"}}<|end_message|>';
const TYPED_OUTPUT =
  '<|message_model|><|content_thinking|>check sources<|end_message|>' +
  '<|message_model|><|content_text|>Here is the answer.<|end_message|>' +
  '<|message_model|>search' +
  TOOL_BLOCK +
  '<|content_model_end_sampling|>';

const r = (
  reasoningText: string,
  normalText: string,
): { normalText: string; reasoningText: string } => ({
  normalText,
  reasoningText,
});

const vectors: ReasoningParserVectors = {
  parser: 'inkling',
  opening: '<|content_thinking|>',
  vectors: [
    { title: 'empty input', text: '', expect: r('', '') },
    { title: 'plain text is normal', text: 'plain answer', expect: r('', 'plain answer') },
    {
      title: 'typed blocks: thinking, text, tool JSON kept verbatim, header dropped',
      text: TYPED_OUTPUT,
      expect: r('check sources', `Here is the answer.${TOOL_BLOCK}`),
    },
    {
      title: 'headerless text-mode tool frame is dropped',
      text: '<|content_invoke_tool_text|>search for rust<|end_message|><|content_model_end_sampling|>',
      expect: r('', ''),
    },
    {
      title: 'truncated thinking block',
      text: '<|content_thinking|>still going <|end_mes',
      expect: r('still going <|end_mes', ''),
    },
    {
      title: 'unknown <| tokens stay text',
      text: '<|content_text|>a <|nope|> b',
      expect: r('', 'a <|nope|> b'),
    },
    {
      title: 'unicode',
      text: '<|content_thinking|>思考 🤔<|end_message|><|content_text|>答案 ✅',
      expect: r('思考 🤔', '答案 ✅'),
    },
    {
      title: 'over the 4 MiB buffer limit',
      text: 'a'.repeat(MAX_BUFFER_BYTES + 1),
      expect: 'error',
      streamAgrees: false,
    },
  ],
};
export default vectors;
