import { MAX_BUFFER_BYTES } from '../../../src/parsers/reasoning/text';
import type { ReasoningParserVectors } from './types';

const O = '<|open|>';
const C = '<|close|>';
const S = '<|sep|>';
const r = (
  reasoningText: string,
  normalText: string,
): { normalText: string; reasoningText: string } => ({
  normalText,
  reasoningText,
});

const vectors: ReasoningParserVectors = {
  parser: 'kimi_k3',
  opening: `${O}think${S}`,
  vectors: [
    { title: 'empty input', text: '', expect: r('', '') },
    {
      title: 'no think channel is all content',
      text: 'just an answer',
      expect: r('', 'just an answer'),
    },
    {
      title: 'think channel, then response wrapper stripped',
      text: `${O}think${S}step${C}think${S}${O}response${S}answer${C}response${S}`,
      expect: r('step', 'answer'),
    },
    {
      title: 'tools channel preserved for the tool parser',
      text: `${O}think${S}step${C}think${S}${O}response${S}answer${C}response${S}${O}tools${S}CALLS${C}tools${S}`,
      expect: r('step', `answer${O}tools${S}CALLS${C}tools${S}`),
    },
    {
      title: 'message wrapper stripped like the response wrapper',
      text: `${O}think${S}r${C}think${S}${O}message${S}answer${C}message${S}`,
      expect: r('r', 'answer'),
    },
    {
      title: 'truncated think channel is all reasoning',
      text: `${O}think${S}still thinking`,
      expect: r('still thinking', ''),
    },
    {
      title: 'observed think channel ignores a stray sibling closer',
      text: `${O}think${S}deliberating${C}response${S}`,
      expect: r(`deliberating${C}response${S}`, ''),
    },
    {
      title: 'tools opener ends reasoning and stays in content',
      text: `${O}think${S}let me check${O}tools${S}CALLS${C}tools${S}`,
      expect: r('let me check', `${O}tools${S}CALLS${C}tools${S}`),
    },
    {
      title: 'whitespace tolerated inside markers',
      text: `${O} think ${S}a${C}\tthink\n${S}b`,
      expect: r('a', 'b'),
    },
    {
      title: 'think close without an opener splits at it',
      text: `r${C}think${S}answer`,
      expect: r('r', 'answer'),
      streamAgrees: false,
    },
    {
      title: 'text before a later think opener is dropped',
      text: `hello${O}think${S}r${C}think${S}a`,
      expect: r('r', 'a'),
      streamAgrees: false,
    },
    {
      title: 'unicode',
      text: `${O}think${S}思考 🤔${C}think${S}答案 ✅`,
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
