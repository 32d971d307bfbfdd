import type { Route } from '../server/route-table';
import type { Handler, IncomingRequest } from '../server/types';
import { GatewayError } from '../errors/gateway-error';
import type { RouteContext } from './context';
import { guard } from './guard';
import { parseJsonObject } from './json-body';
import type { TokenizerReplica } from '../tokenizer/replica';
import type { Tokenizer } from '../tokenizer/tokenizer';
import {
  tokenizerGatewayError,
  tokenizerLoadGatewayError,
  type TokenizerOp,
} from '../tokenizer/errors';
import { charCount, checkDetokenizeBody, checkTokenizeBody } from './tokenize-body';

const JSON_CT = [['content-type', 'application/json']] as const;

function idsJson(ids: Uint32Array): string {
  return `[${ids.join(',')}]`;
}

/**
 * Finds the tokenizer for `model`; throws SMG's 400 tokenizer_not_found, or the route's
 * failure code when this process could not load it (the detail goes to the log).
 */
async function tokenizerFor(
  ctx: RouteContext,
  replica: TokenizerReplica,
  req: IncomingRequest,
  model: string,
  op: TokenizerOp,
): Promise<Tokenizer> {
  let found;
  try {
    found = await replica.lookup(model);
  } catch (err) {
    const e = tokenizerLoadGatewayError(op, model, err);
    if (!e) throw err;
    ctx.logger.error({ err, model, requestId: req.requestId }, 'tokenizer load failed');
    throw e;
  }
  if (found.kind === 'not_found') {
    throw new GatewayError('tokenizer_not_found', found.message, { status: 400 });
  }
  return found.tokenizer;
}

/** Runs an encode/decode; a library error becomes the route's coded error, a bug a 500. */
async function run<T>(op: TokenizerOp, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw tokenizerGatewayError(op, err) ?? err;
  }
}

/** POST /v1/tokenize (SMG §5.6): never adds special tokens. */
function tokenize(ctx: RouteContext, replica: TokenizerReplica): Handler {
  return async (req, raw, res) => {
    const body = checkTokenizeBody(parseJsonObject(req, raw, 'plain'), raw);
    const tok = await tokenizerFor(ctx, replica, req, body.model, 'tokenize');
    const prompt = body.prompt;
    const out = await run('tokenize', async () => {
      if (typeof prompt === 'string') {
        const ids = await tok.encode(prompt, { addSpecialTokens: false });
        return `{"tokens":${idsJson(ids)},"count":${ids.length},"char_count":${charCount(prompt)}}`;
      }
      const all = await tok.encodeBatch(prompt, { addSpecialTokens: false });
      return (
        `{"tokens":[${all.map(idsJson).join(',')}],"count":[${all.map((a) => a.length).join(',')}],` +
        `"char_count":[${prompt.map(charCount).join(',')}]}`
      );
    });
    res.send(200, JSON_CT, out);
  };
}

/**
 * POST /v1/detokenize (SMG §5.6). collie answers an id outside the vocabulary with 400
 * detokenization_error naming it (SMG: 500, or silently skipped by HF decode).
 */
function detokenize(ctx: RouteContext, replica: TokenizerReplica): Handler {
  return async (req, raw, res) => {
    const body = checkDetokenizeBody(parseJsonObject(req, raw, 'plain'));
    const tok = await tokenizerFor(ctx, replica, req, body.model, 'detokenize');
    const seqs = body.batch ? (body.tokens as Uint32Array[]) : [body.tokens as Uint32Array];
    for (let s = 0; s < seqs.length; s++) {
      const bad = outOfRange(seqs[s] as Uint32Array, tok.vocabSize);
      if (bad >= 0) {
        const where = body.batch ? `tokens[${s}][${bad}]` : `tokens[${bad}]`;
        const id = (seqs[s] as Uint32Array)[bad] as number;
        throw new GatewayError(
          'invalid_token_ids',
          `Token id ${id} at ${where} is out of range for this tokenizer (vocab size ${tok.vocabSize})`,
        );
      }
    }
    const skipSpecialTokens = body.skipSpecialTokens;
    const texts = await run('detokenize', () =>
      Promise.all(seqs.map((ids) => tok.decodeAsync(ids, { skipSpecialTokens }))),
    );
    res.send(200, JSON_CT, JSON.stringify({ text: body.batch ? texts : texts[0] }));
  };
}

function outOfRange(ids: Uint32Array, vocabSize: number): number {
  for (let i = 0; i < ids.length; i++) if ((ids[i] as number) >= vocabSize) return i;
  return -1;
}

/** /v1/tokenize and /v1/detokenize: protected group (data-plane auth, admission). */
export function tokenizeRoutes(ctx: RouteContext, replica: TokenizerReplica): Route[] {
  return [
    {
      method: 'POST',
      path: '/v1/tokenize',
      handler: guard(ctx, 'protected', tokenize(ctx, replica)),
    },
    {
      method: 'POST',
      path: '/v1/detokenize',
      handler: guard(ctx, 'protected', detokenize(ctx, replica)),
    },
  ];
}
