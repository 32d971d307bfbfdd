import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Where the Hub and its local cache are (huggingface_hub's environment variables). */
export interface HubSettings {
  /** HF_ENDPOINT, default https://huggingface.co (no trailing slash). */
  readonly endpoint: string;
  /** HF_TOKEN, sent as a Bearer token. */
  readonly token?: string;
  /** HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub. */
  readonly cacheDir: string;
}

export function hubSettingsFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
): HubSettings {
  const nonEmpty = (v: string | undefined): string | undefined => (v ? v : undefined);
  const home = nonEmpty(env['HF_HOME']) ?? path.join(os.homedir(), '.cache', 'huggingface');
  const cacheDir =
    nonEmpty(env['HF_HUB_CACHE']) ??
    nonEmpty(env['HUGGINGFACE_HUB_CACHE']) ??
    path.join(home, 'hub');
  const token = nonEmpty(env['HF_TOKEN']) ?? nonEmpty(env['HUGGING_FACE_HUB_TOKEN']);
  return {
    endpoint: (nonEmpty(env['HF_ENDPOINT']) ?? 'https://huggingface.co').replace(/\/+$/, ''),
    ...(token !== undefined ? { token } : {}),
    cacheDir,
  };
}

/** A Hub model id with its revision. */
export interface HubRef {
  /** `org/name` or `name`. */
  readonly repo: string;
  /** Branch, tag or commit (default main). */
  readonly revision: string;
}

const REPO_RE = /^[A-Za-z0-9][\w.-]*(?:\/[A-Za-z0-9][\w.-]*)?$/;

/**
 * `org/name`, `name`, optionally `@revision` (a branch, tag or commit; `refs/pr/1` is
 * allowed). Undefined when `source` cannot be a Hub id.
 */
export function parseHubRef(source: string, revision?: string): HubRef | undefined {
  const at = source.indexOf('@');
  const repo = at >= 0 ? source.slice(0, at) : source;
  const rev = at >= 0 ? source.slice(at + 1) : (revision ?? 'main');
  if (!REPO_RE.test(repo) || repo.includes('..') || repo.endsWith('.') || repo.endsWith('-'))
    return undefined;
  if (rev === '' || /\s/.test(rev) || rev.split('/').some((p) => p === '..' || p === '.'))
    return undefined;
  return { repo, revision: rev };
}

/** models--org--name under the cache. */
export function repoCacheDir(cacheDir: string, repo: string): string {
  return path.join(cacheDir, `models--${repo.split('/').join('--')}`);
}

export const COMMIT_RE = /^[0-9a-f]{40}$/;

/** The snapshot folder of `ref` in the cache (revision via refs/<rev>), if any. */
export function cachedSnapshot(cacheDir: string, ref: HubRef): string | undefined {
  const dir = repoCacheDir(cacheDir, ref.repo);
  let commit: string | undefined;
  if (COMMIT_RE.test(ref.revision)) commit = ref.revision;
  else {
    try {
      commit = fs.readFileSync(path.join(dir, 'refs', ref.revision), 'utf8').trim();
    } catch {
      return undefined;
    }
  }
  if (!commit || commit.includes('/') || commit.includes('..')) return undefined;
  const snap = path.join(dir, 'snapshots', commit);
  return fs.existsSync(snap) ? snap : undefined;
}
