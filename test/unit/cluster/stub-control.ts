/**
 * Stub control-plane handlers for the protocol tests, served in-process (direct client,
 * fake channels) and from a forked process (fake-primary.ts) over real IPC.
 */
import type { ControlHandlers } from '../../../src/cluster/control-protocol';
import { Replicated, syncHandler } from '../../../src/cluster/replicated';
import type { TokenizerRecord } from '../../../src/tokenizer/replica';
import type { Reply } from '../../../src/errors/gateway-error';
import { wasmHandlers } from '../../../src/plugins/wasm/control';
import { schedHandlers } from '../../../src/priority/control-handlers';

export const TOKENIZERS: readonly TokenizerRecord[] = [
  { id: 't1', name: 'llama', source: '/t/llama.json', file: '/t/llama.json', vocab_size: 32000 },
];

const DONE = Promise.resolve(null);

function json(status: number, body: unknown): Reply {
  return { status, headers: [['content-type', 'application/json']], body: JSON.stringify(body) };
}

/** `seen` records what reached a handler (peer and payload), in order. */
export function stubHandlers(seen: string[] = []): ControlHandlers {
  // version 2, no watch period to speak of: a watch from version 2 stays pending
  const tokenizers = new Replicated<readonly TokenizerRecord[]>([], { watchMs: 600_000 });
  tokenizers.set(TOKENIZERS);
  return {
    admit: ({ ticket }, peer) => {
      seen.push(`admit ${peer} ${ticket}`);
      return Promise.resolve(ticket === 'busy' ? 'queue_full' : 'admitted');
    },
    'admit-cancel': ({ ticket }, peer) => {
      seen.push(`cancel ${peer} ${ticket}`);
      return DONE;
    },
    release: (_, peer) => {
      seen.push(`release ${peer}`);
      return DONE;
    },
    ha: (call) => Promise.resolve(json(503, { error: `mesh not enabled (${call.op})` })),
    workers: (call) => {
      if (call.id === 'unsendable') {
        // a value process IPC (JSON) cannot carry
        const reply: Reply & { extra: bigint } = { ...json(200, {}), extra: 1n };
        return Promise.resolve(reply);
      }
      return Promise.resolve(json(200, { method: call.method, id: call.id ?? null }));
    },
    tokenizers: (call) => {
      if (call.id === 'boom') throw new Error('handler exploded');
      if (call.id === 'reject') return Promise.reject(new Error('handler refused'));
      return Promise.resolve(json(200, { method: call.method, status: call.status ?? false }));
    },
    'cb-outcomes': (batch) => {
      seen.push(`outcomes ${JSON.stringify(batch)}`);
      return DONE;
    },
    'sync:tokenizers': syncHandler(tokenizers),
    dashboard: () => Promise.resolve('{"version":1}'),
    ...wasmHandlers(undefined),
    ...schedHandlers(undefined),
  };
}
