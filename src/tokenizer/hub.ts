import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { COMMIT_RE, repoCacheDir, type HubRef, type HubSettings } from './hf-cache';
import { TokenizerSourceError } from './source-errors';

export interface DownloadOptions {
  /** Whole download, milliseconds (default 300 000). */
  readonly timeoutMs?: number;
}

interface Fetched {
  readonly body: Buffer;
  readonly commit: string | undefined;
}

const REQUIRED = 'tokenizer.json';
const OPTIONAL = ['tokenizer_config.json'];

/**
 * Downloads tokenizer.json (required) and tokenizer_config.json (optional) of `ref` into
 * the huggingface_hub cache layout: blobs/<sha256>, snapshots/<commit>/<file> → blob,
 * refs/<revision> → commit. Every file is checked (complete, valid JSON) before anything is
 * written, and refs/ is written last, so a failed download leaves nothing a lookup finds.
 * Returns the snapshot folder.
 */
export async function downloadTokenizer(
  hub: HubSettings,
  ref: HubRef,
  opts: DownloadOptions = {},
): Promise<string> {
  const signal = AbortSignal.timeout(opts.timeoutMs ?? 300_000);
  const main = await fetchFile(hub, ref, REQUIRED, signal, true);
  if (!main) throw new Error('unreachable: required file missing');
  checkJson(ref, REQUIRED, main.body);
  const extra = new Map<string, Buffer>();
  for (const name of OPTIONAL) {
    const f = await fetchFile(hub, ref, name, signal, false);
    if (!f) continue;
    checkJson(ref, name, f.body);
    extra.set(name, f.body);
  }
  const commit =
    main.commit && COMMIT_RE.test(main.commit) ? main.commit : snapshotName(ref.revision);
  return commitToCache(hub.cacheDir, ref, commit, [...extra, [REQUIRED, main.body]]);
}

/** Without an X-Repo-Commit header (mirrors), the snapshot is named after the revision. */
function snapshotName(revision: string): string {
  return COMMIT_RE.test(revision) ? revision : revision.replace(/[^\w.-]/g, '_');
}

function fileUrl(hub: HubSettings, ref: HubRef, file: string): string {
  return `${hub.endpoint}/${ref.repo}/resolve/${encodeURIComponent(ref.revision)}/${file}`;
}

async function fetchFile(
  hub: HubSettings,
  ref: HubRef,
  file: string,
  signal: AbortSignal,
  required: boolean,
): Promise<Fetched | undefined> {
  const url = fileUrl(hub, ref, file);
  let res: Response;
  try {
    res = await fetch(url, {
      headers: {
        'user-agent': 'collie-tokenizer',
        ...(hub.token !== undefined ? { authorization: `Bearer ${hub.token}` } : {}),
      },
      redirect: 'follow',
      signal,
    });
  } catch (err) {
    throw new TokenizerSourceError(
      'hub_error',
      `could not download ${file} of '${ref.repo}' from ${hub.endpoint}: ${reason(err)}`,
    );
  }
  if (!res.ok) {
    await res.body?.cancel();
    if (res.status === 404 && !required) return undefined;
    throw statusError(hub, ref, file, res);
  }
  let body: Buffer;
  try {
    body = Buffer.from(await res.arrayBuffer());
  } catch (err) {
    throw new TokenizerSourceError(
      'corrupt',
      `download of ${file} for '${ref.repo}' was cut off: ${reason(err)}`,
    );
  }
  const declared = res.headers.get('content-length');
  if (
    declared !== null &&
    res.headers.get('content-encoding') === null &&
    Number(declared) !== body.length
  ) {
    throw new TokenizerSourceError(
      'corrupt',
      `download of ${file} for '${ref.repo}' is truncated (${body.length} of ${declared} bytes)`,
    );
  }
  return { body, commit: res.headers.get('x-repo-commit') ?? undefined };
}

function statusError(
  hub: HubSettings,
  ref: HubRef,
  file: string,
  res: Response,
): TokenizerSourceError {
  const code = res.headers.get('x-error-code');
  if (res.status === 401 || res.status === 403) {
    const why =
      hub.token === undefined
        ? 'it is private or gated, or does not exist; set HF_TOKEN to a token with access'
        : 'HF_TOKEN was rejected or has no access to it';
    return new TokenizerSourceError(
      'hub_unauthorized',
      `the Hugging Face Hub refused '${ref.repo}' (HTTP ${res.status}): ${why}`,
    );
  }
  if (res.status === 404) {
    const message =
      code === 'RevisionNotFound'
        ? `revision '${ref.revision}' of Hugging Face model '${ref.repo}' does not exist`
        : code === 'EntryNotFound'
          ? `Hugging Face model '${ref.repo}' has no ${file} at revision '${ref.revision}'`
          : `Hugging Face model '${ref.repo}' does not exist on ${hub.endpoint} (HTTP 404 for ${file})`;
    return new TokenizerSourceError('hub_not_found', message);
  }
  return new TokenizerSourceError(
    'hub_error',
    `downloading ${file} of '${ref.repo}' from ${hub.endpoint} failed: HTTP ${res.status}`,
  );
}

function checkJson(ref: HubRef, file: string, body: Buffer): void {
  try {
    JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new TokenizerSourceError(
      'corrupt',
      `downloaded ${file} for '${ref.repo}' is not valid JSON (${reason(err)}); nothing was cached`,
    );
  }
}

async function commitToCache(
  cacheDir: string,
  ref: HubRef,
  commit: string,
  files: ReadonlyArray<readonly [string, Buffer]>,
): Promise<string> {
  const repoDir = repoCacheDir(cacheDir, ref.repo);
  const blobs = path.join(repoDir, 'blobs');
  const snap = path.join(repoDir, 'snapshots', commit);
  await fs.mkdir(blobs, { recursive: true });
  await fs.mkdir(snap, { recursive: true });
  // tokenizer.json comes last: a lookup finds a snapshot only through it and refs/
  for (const [name, body] of files) {
    const sha = createHash('sha256').update(body).digest('hex');
    const blob = path.join(blobs, sha);
    const tmp = `${blob}.${process.pid}.${randomBytes(4).toString('hex')}.incomplete`;
    await fs.writeFile(tmp, body);
    await fs.rename(tmp, blob);
    await replaceLink(path.join(snap, name), path.relative(snap, blob), blob);
  }
  if (!COMMIT_RE.test(ref.revision)) {
    const refFile = path.join(repoDir, 'refs', ref.revision);
    await fs.mkdir(path.dirname(refFile), { recursive: true });
    const tmp = `${refFile}.${process.pid}.${randomBytes(4).toString('hex')}.incomplete`;
    await fs.writeFile(tmp, commit);
    await fs.rename(tmp, refFile);
  }
  return snap;
}

/** A relative symlink like huggingface_hub; a copy where symlinks are not allowed. */
async function replaceLink(at: string, target: string, blob: string): Promise<void> {
  const tmp = `${at}.${randomBytes(4).toString('hex')}.incomplete`;
  try {
    await fs.symlink(target, tmp);
  } catch {
    await fs.copyFile(blob, tmp);
  }
  await fs.rename(tmp, at);
}

function reason(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: unknown }).cause;
    return cause instanceof Error ? `${err.message} (${cause.message})` : err.message;
  }
  return String(err);
}
