/**
 * SMG's ModelCard (crates/protocols model_card.rs), built once when a worker registers
 * (workflow/steps/local/create_worker.rs build_model_card): the card the operator gave for
 * the worker's model (or a fresh one), completed from the discovered and configured labels,
 * plus every `--model-alias` naming the model. GET /workers shows it under `models`.
 */

/** Capability names in SMG's bit order (model_type.rs CAPABILITY_NAMES). */
export const CAPABILITIES = [
  'chat',
  'completions',
  'responses',
  'embeddings',
  'rerank',
  'generate',
  'vision',
  'tools',
  'reasoning',
  'image_gen',
  'audio',
  'moderation',
] as const;
export type Capability = (typeof CAPABILITIES)[number];

/** ModelType::LLM. */
const LLM: readonly Capability[] = ['chat', 'completions', 'responses', 'tools'];

export interface ModelCard {
  readonly id: string;
  readonly display_name?: string;
  readonly aliases?: readonly string[];
  /** Capability names in CAPABILITIES order. */
  readonly model_type: readonly Capability[];
  readonly hf_model_type?: string;
  readonly architectures?: readonly string[];
  readonly provider?: string;
  readonly context_length?: number;
  readonly tokenizer_path?: string;
  readonly chat_template?: string;
  readonly reasoning_parser?: string;
  readonly tool_parser?: string;
  readonly metadata?: unknown;
  /** Class index → label (keys are decimal strings, as in SMG's JSON). */
  readonly id2label?: Readonly<Record<string, string>>;
  readonly num_labels?: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A card as the operator wrote it (POST /workers `models[]`), shape already checked. */
export type ModelCardInput = Readonly<Record<string, unknown>> & { readonly id: string };

/** `model_type` as names in bit order, from names or SMG's u16 bitfield. */
export function capabilities(v: unknown): Capability[] {
  if (typeof v === 'number') return CAPABILITIES.filter((_, i) => (v & (1 << i)) !== 0);
  if (!Array.isArray(v)) return [...LLM];
  const names = new Set(v);
  return CAPABILITIES.filter((c) => names.has(c));
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The operator's card, normalised: absent/null fields dropped, model_type as names. */
function fromInput(c: ModelCardInput): Mutable<ModelCard> {
  const card: Mutable<ModelCard> = { id: c.id, model_type: capabilities(c['model_type']) };
  for (const k of [
    'display_name',
    'hf_model_type',
    'provider',
    'tokenizer_path',
    'chat_template',
    'reasoning_parser',
    'tool_parser',
  ] as const) {
    const v = str(c[k]);
    if (v !== undefined) card[k] = v;
  }
  if (Array.isArray(c['aliases'])) card.aliases = c['aliases'] as string[];
  if (Array.isArray(c['architectures'])) card.architectures = c['architectures'] as string[];
  if (typeof c['context_length'] === 'number') card.context_length = c['context_length'];
  if (c['metadata'] !== undefined && c['metadata'] !== null) card.metadata = c['metadata'];
  if (typeof c['id2label'] === 'object' && c['id2label'] !== null) {
    card.id2label = c['id2label'] as Record<string, string>;
  }
  if (typeof c['num_labels'] === 'number') card.num_labels = c['num_labels'];
  return card;
}

const matches = (c: ModelCardInput, id: string): boolean =>
  c.id === id || (Array.isArray(c['aliases']) && (c['aliases'] as unknown[]).includes(id));

function parseJson<T>(text: string | undefined, ok: (v: unknown) => v is T): T | undefined {
  if (text === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return ok(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

const isStrings = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((x) => typeof x === 'string');
const isStringMap = (v: unknown): v is Record<string, string> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function addClassLabels(card: Mutable<ModelCard>, labels: Readonly<Record<string, string>>): void {
  const json = labels['id2label_json'];
  if (json !== undefined && json !== '') {
    const map = parseJson(json, isStringMap) ?? {};
    const entries = Object.entries(map).filter(([k]) => /^\d+$/.test(k) && Number(k) < 2 ** 32);
    if (entries.length > 0) {
      card.id2label = Object.fromEntries(entries);
      card.num_labels = entries.length;
    }
    return;
  }
  const n = Number(labels['num_labels']);
  if (Number.isInteger(n) && n > 0 && n < 2 ** 32) {
    card.id2label = Object.fromEntries(Array.from({ length: n }, (_, i) => [i, `LABEL_${i}`]));
    card.num_labels = n;
  }
}

const CONTEXT_KEYS = [
  'context_length',
  'max_context_length',
  'max_model_len',
  'max_total_tokens',
  'max_seq_len',
];

/** Embedding vs rerank from the architectures / HF model type (infer_non_generation_type). */
function nonGenerationType(labels: Readonly<Record<string, string>>): Capability[] {
  const archs = parseJson(labels['architectures'], isStrings);
  const joined = archs?.join(' ').toLowerCase() ?? '';
  if (joined.includes('rerank') || joined.includes('crossencoder')) return ['rerank'];
  if ((labels['model_type'] ?? '').toLowerCase().includes('rerank')) return ['rerank'];
  return ['embeddings'];
}

function withVision(types: readonly Capability[]): Capability[] {
  return capabilities([...types, 'vision']);
}

export function buildModelCard(
  modelId: string,
  given: readonly ModelCardInput[] | undefined,
  labels: Readonly<Record<string, string>>,
  aliases: Readonly<Record<string, string>> = {},
): ModelCard {
  const user = given?.find((c) => matches(c, modelId));
  const card: Mutable<ModelCard> = user ? fromInput(user) : { id: modelId, model_type: [...LLM] };
  if (labels['model_type'] !== undefined) card.hf_model_type = labels['model_type'];
  const archs = parseJson(labels['architectures'], isStrings);
  if (archs) card.architectures = archs;
  addClassLabels(card, labels);
  if (card.context_length === undefined) {
    const key = CONTEXT_KEYS.find((k) => labels[k] !== undefined);
    const n = key !== undefined ? Number(labels[key]) : NaN;
    if (Number.isInteger(n) && n > 0 && n < 2 ** 32) card.context_length = n;
  }
  if (card.tokenizer_path === undefined && labels['tokenizer_path']) {
    card.tokenizer_path = labels['tokenizer_path'];
  }
  const vision = (labels['supports_vision'] ?? labels['has_image_understanding']) === 'true';
  const nonGeneration = labels['is_embedding'] === 'true' || labels['is_generation'] === 'false';
  if (!user && nonGeneration) card.model_type = nonGenerationType(labels);
  else if (vision) card.model_type = withVision(card.model_type);
  for (const [alias, canonical] of Object.entries(aliases)) {
    if (canonical !== card.id || alias === card.id || card.aliases?.includes(alias)) continue;
    card.aliases = [...(card.aliases ?? []), alias];
  }
  return card;
}

/** The card as SMG serialises it: its field order, empty collections and zero counts left out. */
export function modelCardJson(c: ModelCard): Record<string, unknown> {
  const out: Record<string, unknown> = { id: c.id };
  if (c.display_name !== undefined) out['display_name'] = c.display_name;
  if (c.aliases && c.aliases.length > 0) out['aliases'] = c.aliases;
  out['model_type'] = c.model_type;
  if (c.hf_model_type !== undefined) out['hf_model_type'] = c.hf_model_type;
  if (c.architectures && c.architectures.length > 0) out['architectures'] = c.architectures;
  for (const k of [
    'provider',
    'context_length',
    'tokenizer_path',
    'chat_template',
    'reasoning_parser',
    'tool_parser',
    'metadata',
  ] as const) {
    if (c[k] !== undefined) out[k] = c[k];
  }
  if (c.id2label && Object.keys(c.id2label).length > 0) out['id2label'] = c.id2label;
  if (c.num_labels) out['num_labels'] = c.num_labels;
  return out;
}
