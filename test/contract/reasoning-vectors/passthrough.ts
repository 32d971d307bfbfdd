import { MAX_BUFFER_BYTES } from '../../../src/parsers/reasoning/text';
import type { ReasoningParserVectors } from './types';

const normal = (text: string): { normalText: string; reasoningText: string } => ({
  normalText: text,
  reasoningText: '',
});

const vectors: ReasoningParserVectors = {
  parser: 'passthrough',
  opening: '',
  vectors: [
    { title: 'empty input', text: '', expect: normal('') },
    {
      title: 'think tags stay text',
      text: '<think>cot</think>answer',
      expect: normal('<think>cot</think>answer'),
    },
    {
      title: 'whitespace kept byte for byte',
      text: '  leading and trailing  \n',
      expect: normal('  leading and trailing  \n'),
    },
    {
      title: 'unicode and lone surrogates',
      text: '思考 🤔 \ud800',
      expect: normal('思考 🤔 \ud800'),
    },
    {
      title: 'no buffer limit',
      text: 'a'.repeat(MAX_BUFFER_BYTES + 1),
      expect: normal('a'.repeat(MAX_BUFFER_BYTES + 1)),
      streamAgrees: false,
    },
  ],
};
export default vectors;
