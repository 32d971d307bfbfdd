import type { Route } from '../server/route-table';
import type { Handler, ResponseSink } from '../server/types';
import type { RouteContext } from './context';
import { guard } from './guard';
import { parseJsonObject } from './json-body';
import type { TokenizerReplica } from '../tokenizer/replica';
import type { Tokenizer } from '../tokenizer/tokenizer';
import { charCount, checkDetokenizeBody, checkTokenizeBody, TooLarge } from './tokenize-body';

const JSON_CT = [['content-type', 'application/json']] as const;

/** The tokenizer routes' error envelope (SMG §1.4): {"error":{"message","type"}}, no code. */
function sendError(res: ResponseSink, status: number, type: string, message: string): void {
  res.send(status, JSON_CT, JSON.stringify({ error: { message, type } }));
}

function idsJson(ids: Uint32Array): string {
  return `[${ids.join(',')}]`;
}

/** Finds the tokenizer for `model` or answers SMG's 400 tokenizer_not_found. */
async function tokenizerFor(
  replica: TokenizerReplica,
  model: string,
  res: ResponseSink,
  failureType: string,
): Promise<Tokenizer | undefined> {
  let found;
  try {
    found = await replica.lookup(model);
  } catch (err) {
    sendError(
      res,
      500,
      failureType,
      `Tokenizer for model '${model}' could not be loaded: ${(err as Error).message}`,
    );
    return undefined;
  }
  if (found.kind === 'not_found') {
    sendError(res, 400, 'tokenizer_not_found', found.message);
    return undefined;
  }
  return found.tokenizer;
}

/** POST /v1/tokenize (SMG §5.6): never adds special tokens. */
function tokenize(replica: TokenizerReplica): Handler {
  return async (req, raw, res) => {
    let body;
    try {
      body = checkTokenizeBody(parseJsonObject(req, raw, 'plain'), raw);
    } catch (err) {
      if (err instanceof TooLarge) return sendError(res, 413, 'request_too_large', err.message);
      throw err;
    }
    const tok = await tokenizerFor(replica, body.model, res, 'tokenization_error');
    if (!tok) return;
    let out: string;
    try {
      if (typeof body.prompt === 'string') {
        const ids = await tok.encode(body.prompt, { addSpecialTokens: false });
        out = `{"tokens":${idsJson(ids)},"count":${ids.length},"char_count":${charCount(body.prompt)}}`;
      } else {
        const all = await tok.encodeBatch(body.prompt, { addSpecialTokens: false });
        out =
          `{"tokens":[${all.map(idsJson).join(',')}],"count":[${all.map((a) => a.length).join(',')}],` +
          `"char_count":[${body.prompt.map(charCount).join(',')}]}`;
      }
    } catch (err) {
      return sendError(
        res,
        500,
        'tokenization_error',
        `Tokenization failed: ${(err as Error).message}`,
      );
    }
    res.send(200, JSON_CT, out);
  };
}

/**
 * POST /v1/detokenize (SMG §5.6). collie answers an id outside the vocabulary with 400
 * detokenization_error naming it (SMG: 500, or silently skipped by HF decode).
 */
function detokenize(replica: TokenizerReplica): Handler {
  return async (req, raw, res) => {
    let body;
    try {
      body = checkDetokenizeBody(parseJsonObject(req, raw, 'plain'));
    } catch (err) {
      if (err instanceof TooLarge) return sendError(res, 413, 'request_too_large', err.message);
      throw err;
    }
    const tok = await tokenizerFor(replica, body.model, res, 'detokenization_error');
    if (!tok) return;
    const seqs = body.batch ? (body.tokens as Uint32Array[]) : [body.tokens as Uint32Array];
    for (let s = 0; s < seqs.length; s++) {
      const bad = outOfRange(seqs[s] as Uint32Array, tok.vocabSize);
      if (bad >= 0) {
        const where = body.batch ? `tokens[${s}][${bad}]` : `tokens[${bad}]`;
        const id = (seqs[s] as Uint32Array)[bad] as number;
        return sendError(
          res,
          400,
          'detokenization_error',
          `Token id ${id} at ${where} is out of range for this tokenizer (vocab size ${tok.vocabSize})`,
        );
      }
    }
    const skipSpecialTokens = body.skipSpecialTokens;
    let texts: string[];
    try {
      texts = await Promise.all(seqs.map((ids) => tok.decodeAsync(ids, { skipSpecialTokens })));
    } catch (err) {
      return sendError(
        res,
        500,
        'detokenization_error',
        `Detokenization failed: ${(err as Error).message}`,
      );
    }
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
    { method: 'POST', path: '/v1/tokenize', handler: guard(ctx, 'protected', tokenize(replica)) },
    {
      method: 'POST',
      path: '/v1/detokenize',
      handler: guard(ctx, 'protected', detokenize(replica)),
    },
  ];
}
