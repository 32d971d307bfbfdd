/** The request every proxy-bench run sends: a small non-streaming chat completion. */
export const WORKLOAD = {
  method: 'POST',
  path: '/v1/chat/completions',
  model: 'mock-model',
  body: JSON.stringify({
    model: 'mock-model',
    messages: [{ role: 'user', content: 'Hello' }],
    max_tokens: 8,
  }),
  headers: { 'Content-Type': 'application/json' },
} as const;
