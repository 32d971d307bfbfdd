/**
 * /v1/messages (Anthropic) semantic validation as SMG runs it (crates/protocols messages.rs):
 * `model` and `messages` non-empty and `max_tokens` ≥ 1 (each with its own message), then —
 * only when those pass — the struct checks: `mcp_toolset` tools need `mcp_servers`, a
 * `tool_choice` other than `none` needs tools, and `{"type":"tool","name"}` must name one.
 */
import type { JsonObject } from './json-body';
import { schemaFailure, Violations } from './validator-text';

const isObj = (v: unknown): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** An `mcp_toolset` offers a tool unless its config (or the default config) disables it. */
function toolsetEnables(toolset: JsonObject, name: string): boolean {
  const enabled = (c: unknown): boolean | undefined =>
    isObj(c) && typeof c['enabled'] === 'boolean' ? c['enabled'] : undefined;
  const fallback = enabled(toolset['default_config']) ?? true;
  const configs = isObj(toolset['configs']) ? toolset['configs'] : {};
  return enabled(configs[name]) ?? fallback;
}

function offersTool(tool: unknown, name: string): boolean {
  if (!isObj(tool)) return false;
  if (tool['type'] === 'mcp_toolset') return toolsetEnables(tool, name);
  return tool['name'] === name;
}

function checkStruct(body: JsonObject): void {
  const tools = Array.isArray(body['tools']) ? (body['tools'] as unknown[]) : [];
  const hasToolset = tools.some((t) => isObj(t) && t['type'] === 'mcp_toolset');
  const servers = body['mcp_servers'];
  if (hasToolset && !(Array.isArray(servers) && servers.length > 0)) {
    schemaFailure('mcp_servers is required when mcp_toolset tools are present');
  }
  const choice = body['tool_choice'];
  if (!isObj(choice)) return;
  if (choice['type'] !== 'none' && tools.length === 0) {
    schemaFailure(
      "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.",
    );
  }
  if (choice['type'] === 'tool') {
    const name = String(choice['name']);
    if (!tools.some((t) => offersTool(t, name))) {
      schemaFailure(`Invalid value for 'tool_choice': tool '${name}' not found in 'tools'.`);
    }
  }
}

/** SMG's CreateMessageRequest validation (a 400 with numeric code 400 on failure). */
export function messagesSemantic(body: JsonObject): void {
  const v = new Violations();
  if (body['model'] === '') v.message('model', 'model field is required and cannot be empty');
  if ((body['messages'] as unknown[]).length === 0) {
    v.message('messages', 'messages array is required and cannot be empty');
  }
  if (body['max_tokens'] === 0) v.message('max_tokens', 'max_tokens must be greater than 0');
  v.throwIfAny();
  checkStruct(body);
}
