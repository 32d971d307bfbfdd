/**
 * Every tool-call parser name SMG knows (issue 12) is registered and has contract vectors.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toolParserNames } from '../../src/parsers/tool';
import { TOOL_VECTORS } from './tool-vectors/index';

const SMG_TOOL_PARSERS = [
  'passthrough',
  'json',
  'mistral',
  'qwen',
  'qwen_xml',
  'qwen_coder',
  'pythonic',
  'llama',
  'deepseek',
  'deepseek31',
  'deepseek32',
  'deepseek_v4',
  'glm45_moe',
  'glm47_moe',
  'step3',
  'sarashina',
  'kimik2',
  'kimi_k3',
  'inkling',
  'minimax_m2',
  'cohere',
] as const;

void test('every SMG tool parser name is registered, and nothing else', () => {
  assert.deepEqual([...toolParserNames()].sort(), [...SMG_TOOL_PARSERS].sort());
});

void test('every SMG tool parser name has contract vectors', () => {
  const covered = new Set(TOOL_VECTORS.map((s) => s.parser));
  assert.deepEqual(
    SMG_TOOL_PARSERS.filter((n) => !covered.has(n)),
    [],
  );
});
