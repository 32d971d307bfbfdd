import { GatewayError } from '../errors/gateway-error';
import type { BufferedReply } from '../dispatch';
import type { JsonObject } from './json-body';

interface RerankItem {
  score: number;
  document?: unknown;
  index: number;
  meta_info?: unknown;
}

function isItem(v: unknown): v is RerankItem {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o['score'] === 'number' && typeof o['index'] === 'number';
}

/**
 * Rebuilds an engine's rerank answer (a JSON array) into SMG's response object (§5.3.3):
 * sorted by score, truncated to top_k, documents dropped when return_documents is false.
 */
export function rebuildRerank(request: JsonObject, model: string, nowSecs: number) {
  return (reply: BufferedReply): BufferedReply => {
    let items: unknown;
    try {
      items = JSON.parse(reply.body.toString('utf8'));
    } catch {
      items = undefined;
    }
    if (!Array.isArray(items) || !items.every(isItem)) {
      throw new GatewayError(
        'rerank_response_build_failed',
        'Failed to build rerank response: worker did not return a list of rerank results',
      );
    }
    const sorted = [...items].sort((a, b) => b.score - a.score);
    const topK = typeof request['top_k'] === 'number' ? request['top_k'] : sorted.length;
    const keepDocs = request['return_documents'] !== false;
    const results = sorted.slice(0, topK).map((r) => {
      const out: Record<string, unknown> = { score: r.score };
      if (keepDocs && r.document !== undefined) out['document'] = r.document;
      out['index'] = r.index;
      out['meta_info'] = r.meta_info ?? null;
      return out;
    });
    const rid = request['rid'];
    const body = {
      results,
      model,
      usage: null,
      object: 'rerank',
      id: typeof rid === 'string' ? rid : null,
      created: nowSecs,
    };
    const headers = reply.headers.filter(([k]) => k !== 'content-type');
    headers.push(['content-type', 'application/json']);
    return { status: reply.status, headers, body: Buffer.from(JSON.stringify(body)) };
  };
}
