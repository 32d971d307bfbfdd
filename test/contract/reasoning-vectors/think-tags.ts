/**
 * Vectors shared by every parser built on SMG's base machine (one start and one end token),
 * written out from SMG's BaseReasoningParser for the given tokens and "always in reasoning" flag.
 */
import { MAX_BUFFER_BYTES } from '../../../src/parsers/reasoning/text';
import type { ReasoningParserVectors, ReasoningVector } from './types';

function r(
  reasoningText: string,
  normalText: string,
): { normalText: string; reasoningText: string } {
  return { normalText, reasoningText };
}

export function thinkTagVectors(
  parser: string,
  S: string,
  E: string,
  always: boolean,
): ReasoningParserVectors {
  const atLimit = Math.floor((MAX_BUFFER_BYTES - Buffer.byteLength(S)) / 2);
  const vectors: ReasoningVector[] = [
    { title: 'empty input', text: '', expect: r('', '') },
    {
      title: 'no markers',
      text: 'plain answer',
      expect: always ? r('plain answer', '') : r('', 'plain answer'),
    },
    {
      title: 'no markers, whitespace kept unless in reasoning',
      text: '  plain answer \n',
      expect: always ? r('plain answer', '') : r('', '  plain answer \n'),
    },
    {
      title: 'one block then the answer',
      text: `${S}let me think${E}The answer is 4.`,
      expect: r('let me think', 'The answer is 4.'),
    },
    {
      title: 'trims around the block (reasoning keeps whitespace before the end token)',
      text: `${S}\n  step one\n${E}\n\nanswer  \n`,
      expect: r('step one\n', 'answer'),
    },
    {
      title: 'truncated reasoning: no end token',
      text: `${S}unfinished thought  `,
      expect: r('unfinished thought', ''),
    },
    {
      title: 'end token without a start token',
      text: `reasoning first${E}answer`,
      expect: always ? r('reasoning first', 'answer') : r('', `reasoning first${E}answer`),
    },
    {
      title: 'text before the start token joins the reasoning',
      text: `intro ${S}r${E}a`,
      expect: r('intro r', 'a'),
      streamAgrees: always,
    },
    {
      title: 'only the first end token splits; later start tokens are removed',
      text: `${S}one${E}mid${S}two${E}end`,
      expect: r('one', `midtwo${E}end`),
    },
    {
      title: 'nested start token is removed',
      text: `${S}a ${S}b${E}c`,
      expect: r('a b', 'c'),
    },
    { title: 'unicode', text: `${S}思考 🤔${E}答案 ✅`, expect: r('思考 🤔', '答案 ✅') },
    {
      title: 'marker prefixes in the answer stay text',
      text: `${S}r${E}a < b ${E.slice(0, 4)}`,
      expect: r('r', `a < b ${E.slice(0, 4)}`),
    },
    {
      title: 'lone surrogates pass through',
      text: `${S}\ud800x${E}\udfffy`,
      expect: r('\ud800x', '\udfffy'),
    },
    {
      title: 'whitespace before the start token is trimmed',
      text: `\n\n${S}r${E}a`,
      expect: r('r', 'a'),
    },
    {
      title: "Rust's whitespace: U+0085 trimmed, U+FEFF kept",
      text: `${S}\u0085\ufeffr\u0085`,
      expect: r('\ufeffr', ''),
    },
    {
      title: 'over the 4 MiB buffer limit',
      text: `${S}${'a'.repeat(MAX_BUFFER_BYTES)}`,
      expect: 'error',
      streamAgrees: false,
    },
    {
      title: 'exactly at the limit in UTF-8 bytes',
      text: `${S}${'é'.repeat(atLimit)}`,
      expect: r('é'.repeat(atLimit), ''),
      streamAgrees: false,
    },
  ];
  return { parser, vectors, opening: always ? '' : S };
}
