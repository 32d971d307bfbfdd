import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildModelCard, capabilities, modelCardJson } from '../../../src/core/model-card';

const LLM = ['chat', 'completions', 'responses', 'tools'];

test('a fresh card: LLM capabilities, context length and tokenizer from the labels', () => {
  const card = buildModelCard('m', undefined, {
    max_model_len: '8192',
    tokenizer_path: 'org/m',
    model_type: 'llama',
    architectures: '["LlamaForCausalLM"]',
  });
  assert.deepEqual(modelCardJson(card), {
    id: 'm',
    model_type: LLM,
    hf_model_type: 'llama',
    architectures: ['LlamaForCausalLM'],
    context_length: 8192,
    tokenizer_path: 'org/m',
  });
});

test('context_length: the first key present wins, even when it does not parse', () => {
  assert.equal(
    buildModelCard('m', undefined, { context_length: '4096', max_model_len: '1' }).context_length,
    4096,
  );
  assert.equal(
    buildModelCard('m', undefined, { context_length: 'x', max_model_len: '1' }).context_length,
    undefined,
  );
});

test('non-generation models: embeddings, or rerank by architecture / HF type', () => {
  assert.deepEqual(buildModelCard('e', undefined, { is_embedding: 'true' }).model_type, [
    'embeddings',
  ]);
  assert.deepEqual(
    buildModelCard('r', undefined, {
      is_generation: 'false',
      architectures: '["XLMRobertaForSequenceClassification","CrossEncoder"]',
    }).model_type,
    ['rerank'],
  );
  assert.deepEqual(
    buildModelCard('r', undefined, { is_generation: 'false', model_type: 'bge-reranker' })
      .model_type,
    ['rerank'],
  );
});

test('vision is added; the operator’s model_type is kept (not re-inferred)', () => {
  assert.deepEqual(buildModelCard('v', undefined, { has_image_understanding: 'true' }).model_type, [
    'chat',
    'completions',
    'responses',
    'vision',
    'tools',
  ]);
  const given = [{ id: 'e', model_type: ['embeddings'] }];
  assert.deepEqual(buildModelCard('e', given, { is_generation: 'true' }).model_type, [
    'embeddings',
  ]);
  assert.deepEqual(buildModelCard('e', [{ id: 'e', model_type: 9 }], {}).model_type, [
    'chat',
    'embeddings',
  ]);
});

test('classification labels: id2label_json, else num_labels', () => {
  const a = buildModelCard('c', undefined, { id2label_json: '{"0":"neg","1":"pos","x":"?"}' });
  assert.deepEqual([a.id2label, a.num_labels], [{ 0: 'neg', 1: 'pos' }, 2]);
  const b = buildModelCard('c', undefined, { num_labels: '3' });
  assert.deepEqual([b.id2label, b.num_labels], [{ 0: 'LABEL_0', 1: 'LABEL_1', 2: 'LABEL_2' }, 3]);
});

test('aliases: the card’s own, then every --model-alias naming the model, once', () => {
  const card = buildModelCard(
    'm',
    [{ id: 'm', aliases: ['a1'] }],
    {},
    {
      a1: 'm',
      a2: 'm',
      other: 'n',
    },
  );
  assert.deepEqual(card.aliases, ['a1', 'a2']);
  // a card found by one of its aliases
  assert.equal(buildModelCard('a1', [{ id: 'm', aliases: ['a1'] }], {}).id, 'm');
});

test('capabilities: names in bit order, unknown ignored, bitfields decoded', () => {
  assert.deepEqual(capabilities(['tools', 'chat']), ['chat', 'tools']);
  assert.deepEqual(capabilities(0b1000_0001), ['chat', 'tools']);
  assert.deepEqual(capabilities(undefined), LLM);
});
