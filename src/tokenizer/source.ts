import fs from 'node:fs';
import path from 'node:path';
import { cachedSnapshot, hubSettingsFromEnv, parseHubRef, type HubSettings } from './hf-cache';
import { downloadTokenizer } from './hub';
import { TokenizerSourceError } from './source-errors';

export interface ResolveSourceOptions {
  /** Download from the Hub when a Hub id is not cached (default false). */
  readonly hubDownload?: boolean;
  /** Revision when the source has no `@revision` (default main). */
  readonly revision?: string;
  /** Hub endpoint, token and cache folder (default: from the environment). */
  readonly hub?: HubSettings;
  /** Download timeout, milliseconds (default 300 000). */
  readonly timeoutMs?: number;
}

export interface ResolvedSource {
  /** Absolute path of the tokenizer.json or *.tiktoken file. */
  readonly file: string;
  readonly origin: 'file' | 'directory' | 'hf-cache' | 'hub';
}

const TOKENIZER_FILE = /(\.json|\.tiktoken)$/i;

/**
 * Turns a source into a local tokenizer file:
 *  - a file: tokenizer.json (any *.json) or *.tiktoken;
 *  - a directory: its tokenizer.json, else its only *.tiktoken;
 *  - a Hugging Face id (`org/name[@revision]`): the local HF cache, else (only with
 *    hubDownload) the Hub, downloaded into that cache.
 * Failures are TokenizerSourceErrors with a message naming the path or id and what to do.
 */
export async function resolveTokenizerSource(
  source: string,
  opts: ResolveSourceOptions = {},
): Promise<ResolvedSource> {
  if (typeof source !== 'string' || source.trim() === '') {
    throw new TokenizerSourceError(
      'not_found',
      'tokenizer source must be a non-empty path or Hugging Face id',
    );
  }
  const local = localSource(source);
  if (local) return local;
  const ref = looksLikePath(source) ? undefined : parseHubRef(source, opts.revision);
  if (!ref) {
    throw new TokenizerSourceError('not_found', `tokenizer source '${source}' does not exist`);
  }
  const hub = opts.hub ?? hubSettingsFromEnv();
  const cached = cachedSnapshot(hub.cacheDir, ref);
  if (cached) {
    const file = tokenizerInDir(cached);
    if (file) return { file, origin: 'hf-cache' };
  }
  if (!opts.hubDownload) {
    throw new TokenizerSourceError(
      'not_cached',
      `tokenizer source '${source}' is not a local path, and Hugging Face model '${ref.repo}' ` +
        `(revision ${ref.revision}) is not in the local cache ${hub.cacheDir}; ` +
        'download it first or enable --tokenizer-hub-download',
    );
  }
  const snap = await downloadTokenizer(
    hub,
    ref,
    opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {},
  );
  return { file: path.join(snap, 'tokenizer.json'), origin: 'hub' };
}

/** Relative or absolute filesystem spellings that are never Hub ids. */
function looksLikePath(s: string): boolean {
  return (
    path.isAbsolute(s) ||
    s.startsWith('./') ||
    s.startsWith('../') ||
    s.startsWith('~') ||
    s.includes('\\') ||
    s.split('/').length > 2 ||
    TOKENIZER_FILE.test(s)
  );
}

function localSource(source: string): ResolvedSource | undefined {
  let st: fs.Stats;
  try {
    st = fs.statSync(source);
  } catch {
    return undefined;
  }
  const abs = path.resolve(source);
  if (st.isDirectory()) {
    const file = tokenizerInDir(abs);
    if (!file) {
      throw new TokenizerSourceError(
        'no_tokenizer',
        `directory '${source}' contains no tokenizer.json and no *.tiktoken file`,
      );
    }
    return { file, origin: 'directory' };
  }
  if (!TOKENIZER_FILE.test(abs)) {
    throw new TokenizerSourceError(
      'no_tokenizer',
      `'${source}' is not a tokenizer file (expected tokenizer.json or a *.tiktoken file)`,
    );
  }
  return { file: abs, origin: 'file' };
}

/** tokenizer.json, else the only *.tiktoken; several *.tiktoken files are ambiguous. */
function tokenizerInDir(dir: string): string | undefined {
  const json = path.join(dir, 'tokenizer.json');
  if (fs.existsSync(json)) return json;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return undefined;
  }
  const tiktoken = names.filter((n) => n.toLowerCase().endsWith('.tiktoken')).sort();
  if (tiktoken.length > 1) {
    throw new TokenizerSourceError(
      'no_tokenizer',
      `directory '${dir}' holds several *.tiktoken files (${tiktoken.join(', ')}); pass one file`,
    );
  }
  return tiktoken[0] !== undefined ? path.join(dir, tiktoken[0]) : undefined;
}
