/**
 * /v1/chat/completions semantic validation as SMG runs it (crates/protocols chat.rs): first
 * `normalize()` (max_tokens → max_completion_tokens, functions → tools, function_call →
 * tool_choice), then the field validators in declaration order, then — only when no field
 * failed — the cross-field checks. Messages are the validator crate's (validator-text.ts).
 * Only the checks run here; the body forwarded upstream stays the client's bytes.
 */
import type { JsonObject } from './json-body';
import {
  debugF32,
  debugF64,
  debugInt,
  debugJson,
  schemaFailure,
  Violations,
  type DebugText,
} from './validator-text';

/*
 * Fields are read with literal keys at each call site (body['top_p']), not through a helper
 * taking the key: a shared keyed load sees every field name and goes megamorphic.
 */
const numeric = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const present = (v: unknown): boolean => v !== undefined && v !== null;
const isObj = (v: unknown): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The fields `normalize()` rewrites, as the validators then see them. */
interface Normalized {
  readonly maxTokens: number | undefined;
  readonly maxCompletionTokens: number | undefined;
  readonly tools: readonly unknown[] | undefined;
  readonly toolChoice: unknown;
}

function normalize(body: JsonObject): Normalized {
  let maxTokens = numeric(body['max_tokens']);
  let maxCompletionTokens = numeric(body['max_completion_tokens']);
  if (maxCompletionTokens === undefined && maxTokens !== undefined) {
    maxCompletionTokens = maxTokens;
    maxTokens = undefined;
  }
  let tools = Array.isArray(body['tools']) ? (body['tools'] as unknown[]) : undefined;
  const functions = body['functions'];
  if (!present(body['tools']) && Array.isArray(functions)) {
    tools = (functions as unknown[]).map((f) => ({ type: 'function', function: f }));
  }
  let toolChoice = present(body['tool_choice']) ? body['tool_choice'] : undefined;
  const fc = body['function_call'];
  if (toolChoice === undefined && present(fc)) {
    toolChoice = isObj(fc) ? { type: 'function', function: { name: fc['name'] } } : fc;
  }
  return { maxTokens, maxCompletionTokens, tools, toolChoice };
}

function checkMessages(v: Violations, messages: unknown[]): void {
  const fail = (code: string): void => v.code('messages', code, [['value', debugJson(messages)]]);
  if (messages.length === 0) return fail('messages cannot be empty');
  for (const m of messages) {
    if (!isObj(m) || m['role'] !== 'user') continue;
    const c = m['content'];
    if (c === '') return fail('message content cannot be empty');
    if (Array.isArray(c) && c.length === 0) return fail('message content parts cannot be empty');
  }
}

type Bound = [number, DebugText];
const int = (n: number): Bound => [n, debugInt(n)];
const f64 = (n: number): Bound => [n, debugF64(n)];
// the bounds' texts are built once: every request passes through checkFields
const [F_NEG2, F_0, F_1, F_2] = [f64(-2), f64(0), f64(1), f64(2)];
const [I_0, I_1, I_10, I_20] = [int(0), int(1), int(10), int(20)];

/** A range-validated f32 field (serde rounds the JSON number to f32 first). */
function f32Range(v: Violations, key: string, value: unknown, min: Bound, max: Bound): void {
  const x = numeric(value);
  if (x !== undefined) v.range(key, Math.fround(x), { min, max }, debugF32);
}

function intRange(v: Violations, key: string, x: number | undefined, min: Bound, max?: Bound) {
  if (x !== undefined) v.range(key, x, max ? { min, max } : { min }, debugInt);
}

function checkStop(v: Violations, stop: unknown): void {
  const fail = (code: string): void => v.code('stop', code, [['value', debugJson(stop)]]);
  if (stop === '') return fail('stop sequences cannot be empty');
  if (!Array.isArray(stop)) return;
  if (stop.length > 4) return fail('maximum 4 stop sequences allowed');
  if (stop.some((s) => s === '')) fail('stop sequences cannot be empty');
}

function checkFields(v: Violations, body: JsonObject, n: Normalized): void {
  if (Array.isArray(body['messages'])) checkMessages(v, body['messages'] as unknown[]);
  f32Range(v, 'frequency_penalty', body['frequency_penalty'], F_NEG2, F_2);
  intRange(v, 'max_tokens', n.maxTokens, I_1);
  intRange(v, 'max_completion_tokens', n.maxCompletionTokens, I_1);
  intRange(v, 'n', numeric(body['n']), I_1, I_10);
  f32Range(v, 'presence_penalty', body['presence_penalty'], F_NEG2, F_2);
  if (present(body['stop'])) checkStop(v, body['stop']);
  f32Range(v, 'temperature', body['temperature'], F_0, F_2);
  intRange(v, 'top_logprobs', numeric(body['top_logprobs']), I_0, I_20);
  const topP = numeric(body['top_p']);
  if (topP !== undefined && !(Math.fround(topP) > 0 && Math.fround(topP) <= 1)) {
    v.code('top_p', 'top_p must be in (0, 1] - greater than 0.0 and at most 1.0', [
      ['value', debugF32(topP)],
    ]);
  }
  const topK = numeric(body['top_k']);
  if (topK !== undefined && topK !== -1 && topK < 1) {
    v.code('top_k', 'top_k must be -1 (disabled) or at least 1', [['value', debugInt(topK)]]);
  }
  f32Range(v, 'min_p', body['min_p'], F_0, F_1);
  f32Range(v, 'repetition_penalty', body['repetition_penalty'], F_0, F_2);
}

function checkStructuredOutput(body: JsonObject): void {
  const rf = isObj(body['response_format']) ? body['response_format'] : undefined;
  const kind = rf?.['type'];
  const json = kind === 'json_object' || kind === 'json_schema';
  const regex = present(body['regex']);
  const ebnf = present(body['ebnf']);
  if (json && regex) schemaFailure('cannot use regex constraint with JSON response format');
  if (json && ebnf) schemaFailure('cannot use EBNF constraint with JSON response format');
  if ([regex, ebnf, kind === 'json_schema'].filter(Boolean).length > 1) {
    schemaFailure(
      'only one structured output constraint (regex, ebnf, or json_schema) can be active at a time',
    );
  }
  const schema = kind === 'json_schema' && isObj(rf?.['json_schema']) ? rf['json_schema'] : {};
  if (schema['name'] === '') schemaFailure('JSON schema name cannot be empty');
}

const functionNamed = (tools: readonly unknown[], name: unknown): boolean =>
  tools.some(
    (t) =>
      isObj(t) &&
      t['type'] === 'function' &&
      isObj(t['function']) &&
      t['function']['name'] === name,
  );

/** A tool reference's identifier as SMG prints it (`function:x`, `mcp:label:x`, `file_search`). */
function identifier(ref: JsonObject): string {
  const type = typeof ref['type'] === 'string' ? ref['type'] : '';
  if (type === 'mcp') {
    const label = typeof ref['server_label'] === 'string' ? ref['server_label'] : '';
    return typeof ref['name'] === 'string' ? `mcp:${label}:${ref['name']}` : `mcp:${label}`;
  }
  return type;
}

function checkAllowedTools(choice: JsonObject, tools: readonly unknown[]): void {
  const mode = choice['mode'];
  if (mode !== 'auto' && mode !== 'required') {
    schemaFailure(
      `Invalid value for 'tool_choice.mode': must be 'auto' or 'required', got '${String(mode)}'.`,
    );
  }
  const refs = Array.isArray(choice['tools']) ? (choice['tools'] as unknown[]) : [];
  for (const ref of refs.filter(isObj)) {
    if (ref['type'] !== 'function') {
      schemaFailure(
        `Invalid value for 'tool_choice.tools': Chat Completion API only supports function tools, got '${identifier(ref)}'.`,
      );
    }
    if (!functionNamed(tools, ref['name'])) {
      schemaFailure(
        `Invalid value for 'tool_choice.tools': tool '${String(ref['name'])}' not found in 'tools'.`,
      );
    }
  }
}

function checkToolChoice(n: Normalized): void {
  const choice = n.toolChoice;
  if (choice === undefined) return;
  const tools = n.tools && n.tools.length > 0 ? n.tools : undefined;
  if (choice !== 'none' && !tools) {
    schemaFailure(
      "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.",
    );
  }
  if (!tools || !isObj(choice)) return;
  if (isObj(choice['function'])) {
    const name = choice['function']['name'];
    if (!functionNamed(tools, name)) {
      schemaFailure(
        `Invalid value for 'tool_choice': function '${String(name)}' not found in 'tools'.`,
      );
    }
  } else if ('mode' in choice) {
    checkAllowedTools(choice, tools);
  }
}

function checkCross(body: JsonObject, n: Normalized): void {
  if (present(body['top_logprobs']) && body['logprobs'] !== true) {
    schemaFailure('top_logprobs is only allowed when logprobs is enabled');
  }
  if (present(body['stream_options']) && body['stream'] !== true) {
    schemaFailure("The 'stream_options' parameter is only allowed when 'stream' is enabled");
  }
  const minTokens = numeric(body['min_tokens']);
  if (minTokens !== undefined && n.maxCompletionTokens !== undefined) {
    if (minTokens > n.maxCompletionTokens) {
      schemaFailure('min_tokens cannot exceed max_tokens/max_completion_tokens');
    }
  }
  checkStructuredOutput(body);
  checkToolChoice(n);
}

/** SMG's ChatCompletionRequest validation (a 400 with numeric code 400 on failure). */
export function chatSemantic(body: JsonObject): void {
  const n = normalize(body);
  const v = new Violations();
  checkFields(v, body, n);
  v.throwIfAny();
  checkCross(body, n);
}
