/**
 * `POST /parse/function_call` and `POST /parse/reasoning` (SMG §8, control-plane group): raw
 * model output → OpenAI tool calls, or reasoning split from the answer, with the complete
 * parse of the named parser. Parsers are stateless objects shared by every request.
 */
import { GatewayError } from '../errors/gateway-error';
import { ReasoningParseError, reasoningParser } from '../parsers/reasoning';
import { ToolParseError, toolParser } from '../parsers/tool';
import type { Route } from '../server/route-table';
import type { Handler, IncomingRequest } from '../server/types';
import type { RouteContext } from './context';
import { guard } from './guard';
import { parseJsonObject } from './json-body';
import { checkDepth, checkFunctionCallBody, checkReasoningBody } from './parse-body';

const JSON_CT = [['content-type', 'application/json']] as const;

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A parser's failure is SMG's 400; anything but its own error type is also logged. */
function parseFailure(
  ctx: RouteContext,
  req: IncomingRequest,
  err: unknown,
  code: 'tool_call_parse_failed' | 'reasoning_parse_failed',
  expected: boolean,
): GatewayError {
  if (!expected) ctx.logger.warn({ err, requestId: req.requestId }, 'parser threw');
  const what = code === 'tool_call_parse_failed' ? 'parse function calls' : 'separate reasoning';
  return new GatewayError(code, `Failed to ${what}: ${errorMessage(err)}`);
}

function parseFunctionCall(ctx: RouteContext): Handler {
  return (req, raw, res) => {
    const obj = parseJsonObject(req, raw, 'plain');
    checkDepth(raw);
    const body = checkFunctionCallBody(obj);
    const parser = toolParser(body.parser);
    if (parser === undefined) {
      throw new GatewayError('unknown_tool_parser', `Unknown tool parser: ${body.parser}`);
    }
    let result;
    try {
      result = parser.parse(body.text, body.tools);
    } catch (err) {
      throw parseFailure(ctx, req, err, 'tool_call_parse_failed', err instanceof ToolParseError);
    }
    const toolCalls = result.calls.map((c) => ({
      function: { name: c.name, arguments: c.arguments },
    }));
    res.send(
      200,
      JSON_CT,
      JSON.stringify({ remaining_text: result.normalText, tool_calls: toolCalls, success: true }),
    );
  };
}

function parseReasoning(ctx: RouteContext): Handler {
  return (req, raw, res) => {
    const body = checkReasoningBody(parseJsonObject(req, raw, 'plain'));
    const parser = reasoningParser(body.parser);
    if (parser === undefined) {
      throw new GatewayError(
        'unknown_reasoning_parser',
        `Unknown reasoning parser: ${body.parser}`,
      );
    }
    let result;
    try {
      result = parser.parse(body.text);
    } catch (err) {
      throw parseFailure(
        ctx,
        req,
        err,
        'reasoning_parse_failed',
        err instanceof ReasoningParseError,
      );
    }
    res.send(
      200,
      JSON_CT,
      JSON.stringify({
        normal_text: result.normalText,
        reasoning_text: result.reasoningText,
        success: true,
      }),
    );
  };
}

export function parseRoutes(ctx: RouteContext): Route[] {
  return [
    {
      method: 'POST',
      path: '/parse/function_call',
      handler: guard(ctx, 'admin', parseFunctionCall(ctx)),
    },
    { method: 'POST', path: '/parse/reasoning', handler: guard(ctx, 'admin', parseReasoning(ctx)) },
  ];
}
