import { ConfigError } from './errors';
import { bool, enumOf, float, int, list } from './flag-kinds';
import { Derived, materialize, type ReadContext } from './schema';
import { validateWorkerUrl } from '../core/worker-url';
import { PD_POLICY_NAMES, type PdPolicyName } from '../policies/types';

/** One `--prefill URL [BOOTSTRAP_PORT|none]` entry. */
export interface PrefillEntry {
  readonly url: string;
  /** The engine's KV bootstrap port (SGLang --disaggregation-bootstrap-port); null = none given. */
  readonly bootstrapPort: number | null;
}

/**
 * How the two legs talk: 'sglang' = dual dispatch with bootstrap fields; 'vllm' = sequential
 * (prefill with max_tokens 1 and kv_transfer_params, then decode with the params the prefill
 * answered); 'auto' = per request, 'vllm' when the chosen prefill engine reported the vllm
 * runtime at registration, else 'sglang'.
 */
export const PD_PROTOCOLS = ['auto', 'sglang', 'vllm'] as const;
export type PdProtocol = (typeof PD_PROTOCOLS)[number];

const PD_INPUTS = {
  enabled: bool('--pd-disaggregation', {
    help: 'Prefill/decode disaggregation: route every generation to a (prefill, decode) pair',
  }),
  prefill: list('--prefill', {
    default: [],
    help: 'PD: a prefill engine, `URL [BOOTSTRAP_PORT|none]` (repeatable)',
  }),
  decode: list('--decode', { default: [], help: 'PD: a decode engine URL (repeatable)' }),
  prefillPolicy: enumOf('--prefill-policy', [...PD_POLICY_NAMES, 'default'], {
    default: 'default',
    help: 'PD: policy over the prefill engines (default: --policy; cache_aware recommended)',
  }),
  decodePolicy: enumOf('--decode-policy', [...PD_POLICY_NAMES, 'default'], {
    default: 'default',
    help: 'PD: policy over the decode engines (default: --policy; power_of_two recommended; not bucket)',
  }),
  protocol: enumOf('--pd-protocol', PD_PROTOCOLS, {
    default: 'auto',
    help: 'collie: PD transfer protocol: sglang (dual dispatch, bootstrap fields), vllm (sequential, kv_transfer_params) or auto (vllm when the prefill engine reports the vllm runtime)',
  }),
  kvHandoffGraceMs: int('--pd-decode-abort-grace-ms', {
    default: 5000,
    min: 0,
    help: 'collie: after a client disconnect, the decode leg is aborted once the prefill leg ended (KV hand-off) or after this long, ms',
  }),
};

/** The PD part of the config: null when PD mode is off. */
export interface PdConfig {
  readonly prefill: readonly PrefillEntry[];
  readonly decode: readonly string[];
  /** Undefined: the main --policy applies. */
  readonly prefillPolicy?: PdPolicyName;
  readonly decodePolicy?: PdPolicyName;
  readonly protocol: PdProtocol;
  readonly kvHandoffGraceMs: number;
}

function checkUrl(flag: string, url: string): string {
  const problem = validateWorkerUrl(url);
  if (problem) throw new ConfigError(`${flag}: invalid URL '${url}': ${problem}`);
  return url.replace(/\/+$/, '');
}

function parsePort(url: string, tok: string): number | null {
  if (tok === 'none') return null;
  const n = Number(tok);
  if (!/^\d+$/.test(tok) || n < 1 || n > 65535) {
    throw new ConfigError(
      `--prefill ${url}: bootstrap port must be an integer in [1, 65535] or 'none', got '${tok}'`,
    );
  }
  return n;
}

/**
 * SMG's hand-parsed `--prefill URL [BOOTSTRAP_PORT|none]`, repeatable. The scanner hands over
 * every value token of every occurrence in order; a URL (it has a scheme) opens an entry and a
 * port-or-none token right after it closes it, so the grouping does not depend on occurrences.
 */
export function parsePrefillEntries(tokens: readonly string[]): PrefillEntry[] {
  const out: PrefillEntry[] = [];
  let open: { url: string; port: number | null; hasPort: boolean } | undefined;
  const close = (): void => {
    if (open) out.push({ url: open.url, bootstrapPort: open.port });
    open = undefined;
  };
  for (const tok of tokens) {
    if (tok.includes('://')) {
      close();
      open = { url: checkUrl('--prefill', tok), port: null, hasPort: false };
      continue;
    }
    if (!open) throw new ConfigError(`--prefill: expected a URL before '${tok}'`);
    if (open.hasPort) {
      throw new ConfigError(
        `--prefill ${open.url}: unexpected '${tok}' (one bootstrap port per prefill URL)`,
      );
    }
    open.port = parsePort(open.url, tok);
    open.hasPort = true;
  }
  close();
  return out;
}

function duplicates(urls: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (const u of urls) {
    if (seen.has(u)) return u;
    seen.add(u);
  }
  return undefined;
}

function givenFlag(ctx: ReadContext, flag: string): boolean {
  for (const [spec, tokens] of ctx.tokens) if (spec.flag === flag && tokens.length > 0) return true;
  return false;
}

function buildPd(ctx: ReadContext): PdConfig | null {
  const v = materialize(PD_INPUTS, ctx);
  const prefill = parsePrefillEntries(v.prefill);
  const decode = v.decode.map((u) => checkUrl('--decode', u));
  if (!v.enabled) {
    for (const f of ['--prefill', '--decode', '--prefill-policy', '--decode-policy']) {
      if (givenFlag(ctx, f)) throw new ConfigError(`${f} requires --pd-disaggregation`);
    }
    return null;
  }
  if (givenFlag(ctx, '--worker-urls')) {
    throw new ConfigError(
      '--worker-urls cannot be combined with --pd-disaggregation: give the engines with --prefill URL [BOOTSTRAP_PORT|none] and --decode URL',
    );
  }
  if (v.decodePolicy === 'bucket') {
    throw new ConfigError('--decode-policy bucket: bucket is a prefill-only policy');
  }
  const dup = duplicates([...prefill.map((p) => p.url), ...decode]);
  if (dup !== undefined) throw new ConfigError(`PD: engine URL '${dup}' is given twice`);
  return {
    prefill,
    decode,
    ...(v.prefillPolicy !== 'default' ? { prefillPolicy: v.prefillPolicy } : {}),
    ...(v.decodePolicy !== 'default' ? { decodePolicy: v.decodePolicy } : {}),
    protocol: v.protocol,
    kvHandoffGraceMs: v.kvHandoffGraceMs,
  };
}

/** `pd` in the launch schema: the PD flags, checked together (and against --worker-urls). */
export const PD_SCHEMA = new Derived(PD_INPUTS, buildPd);

/** prefix_hash (SMG's flags and defaults). */
export const PREFIX_HASH_FLAGS = {
  prefixTokenCount: int('--prefix-token-count', {
    default: 256,
    min: 1,
    help: 'prefix_hash: leading tokens hashed onto the ring (collie: 4 characters of routing text per token)',
  }),
  loadFactor: float('--prefix-hash-load-factor', {
    default: 1.25,
    min: 1,
    help: "prefix_hash: the ring's pick is kept while its load <= mean load × this",
  }),
};
