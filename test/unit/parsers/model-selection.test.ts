import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  REASONING_MODEL_PATTERNS,
  TOOL_MODEL_PATTERNS,
  createParserSelector,
  reasoningParserForModel,
  toolParserForModel,
} from '../../../src/parsers/model-selection';
import { reasoningParser } from '../../../src/parsers/reasoning';
import { toolParser } from '../../../src/parsers/tool';

void test('tools: every pattern picks its parser by exact key and by its stem in any case', () => {
  for (const [pattern, parser] of TOOL_MODEL_PATTERNS) {
    assert.equal(toolParserForModel(pattern), parser, `exact ${pattern}`);
    const stem = pattern.slice(0, -1);
    for (const model of [`${stem}-x`, `org/${stem.toUpperCase()}-x`, stem.toLowerCase()]) {
      assert.equal(toolParserForModel(model), parser, `${pattern} via ${model}`);
    }
  }
});

void test('tools: longest stem wins on real model ids; unknown falls back to passthrough', () => {
  const cases: [string, string][] = [
    ['Qwen/Qwen3-235B-A22B', 'qwen'],
    ['Qwen/Qwen2.5-Coder-32B', 'qwen'],
    ['Qwen/Qwen3-Coder-480B-A35B', 'qwen_xml'],
    ['Qwen/Qwen3.5-72B', 'qwen_xml'],
    ['meta-llama/Llama-3.2-3B-Instruct', 'llama'],
    ['meta-llama/Llama-4-Scout-17B', 'pythonic'],
    ['meta-llama/Llama-3.1-8B-Instruct', 'json'],
    ['deepseek-ai/DeepSeek-V3-0324', 'deepseek'],
    ['deepseek-ai/DeepSeek-V3.1-Terminus', 'deepseek31'],
    ['deepseek-ai/DeepSeek-V3.2-Exp', 'deepseek31'],
    ['deepseek-ai/DeepSeek-V3.2', 'deepseek32'],
    ['deepseek-ai/DeepSeek-V4', 'deepseek_v4'],
    ['deepseek-ai/DeepSeek-R1', 'pythonic'],
    ['zai-org/GLM-4.6', 'glm45_moe'],
    ['zai-org/GLM-4.7-Flash', 'glm47_moe'],
    ['THUDM/glm-4-9b', 'json'],
    ['moonshotai/Kimi-K2-Instruct', 'kimik2'],
    ['moonshotai/Kimi-K3', 'kimi_k3'],
    ['mistralai/Mistral-7B-Instruct-v0.3', 'mistral'],
    ['CohereForAI/c4ai-command-r-plus', 'cohere'],
    ['MiniMaxAI/MiniMax-M2', 'minimax_m2'],
    ['org/Inkling-Chat', 'inkling'],
    ['stepfun-ai/step3', 'step3'],
    ['sbintuitions/sarashina2.2-3b', 'sarashina'],
    ['gpt-4o-mini', 'json'],
    ['google/gemma-3-27b', 'json'],
    ['unknown-model', 'passthrough'],
    ['', 'passthrough'],
    ['moonshot-Kimi-K2', 'kimik2'],
  ];
  for (const [model, parser] of cases) assert.equal(toolParserForModel(model), parser, model);
});

void test('tools: a literal `*` inside a stem only matches literally', () => {
  assert.equal(toolParserForModel('moonshot*/Kimi-K3-x'), 'kimi_k3');
  assert.equal(toolParserForModel('moonshot/Kimi-X'), 'passthrough');
});

void test('reasoning: every pattern picks its parser, case-insensitively', () => {
  for (const [pattern, parser] of REASONING_MODEL_PATTERNS) {
    assert.equal(reasoningParserForModel(pattern), parser, pattern);
    assert.equal(reasoningParserForModel(`Org/${pattern.toUpperCase()}-9B`), parser, pattern);
  }
});

void test('reasoning: first match in order wins; unknown falls back to passthrough', () => {
  const cases: [string, string][] = [
    ['deepseek-ai/DeepSeek-R1-Distill-Qwen-7B', 'deepseek_r1'],
    ['deepseek-ai/DeepSeek-V3.1', 'deepseek_v31'],
    ['Qwen/Qwen3-235B-A22B-Thinking', 'qwen3'],
    ['Qwen/Qwen3-Thinking-2507', 'qwen3_thinking'],
    ['Qwen/QwQ-32B', 'qwen3'],
    ['zai-org/GLM-4.5', 'passthrough'],
    ['glm-5-air', 'glm45'],
    ['moonshotai/Kimi-K2-Thinking', 'kimi_thinking'],
    ['moonshotai/Kimi-K2.5', 'kimi_k25'],
    ['moonshotai/Kimi-K2-Instruct', 'kimi'],
    ['moonshotai/Kimi-K3', 'kimi_k3'],
    ['MiniMaxAI/MiniMax-M2', 'minimax'],
    ['CohereLabs/command-a-reasoning', 'cohere_cmd'],
    ['nvidia/NVIDIA-Nemotron-Nano-9B-v2', 'nano_v3'],
    ['meta-llama/Llama-3.1-8B', 'passthrough'],
  ];
  for (const [model, parser] of cases) assert.equal(reasoningParserForModel(model), parser, model);
});

void test('the memoised selector answers as the pure functions and bounds its cache', () => {
  const selector = createParserSelector(2);
  for (const model of ['Qwen/Qwen3-8B', 'deepseek-ai/DeepSeek-R1', 'x', 'Qwen/Qwen3-8B']) {
    assert.equal(selector.tool(model), toolParserForModel(model));
    assert.equal(selector.reasoning(model), reasoningParserForModel(model));
  }
});

void test('every parser the tables name is registered', () => {
  for (const [, name] of TOOL_MODEL_PATTERNS) assert.ok(toolParser(name), `tool ${name}`);
  for (const [, name] of REASONING_MODEL_PATTERNS) {
    assert.ok(reasoningParser(name), `reasoning ${name}`);
  }
  assert.ok(toolParser('passthrough') && reasoningParser('passthrough'));
});
