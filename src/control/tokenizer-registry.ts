import fs from 'node:fs';
import type { Logger } from '../util/logger';
import { uuidv7 } from '../util/uuid';
import { systemClock, type Clock } from '../util/clock';
import type { HubSettings } from '../tokenizer/hf-cache';
import { resolveTokenizerSource } from '../tokenizer/source';
import { defaultTokenizerAddon } from '../tokenizer/native';
import type { TokenizerRecord } from '../tokenizer/replica';
import { Replicated } from '../cluster/replicated';

export type JobStatus = 'pending' | 'processing' | 'failed';

export interface TokenizerJob {
  readonly id: string;
  readonly name: string;
  readonly source: string;
  status: JobStatus;
  message: string;
  finishedAtMs?: number;
}

export interface TokenizerRegistryOptions {
  readonly hubDownload: boolean;
  readonly hub: HubSettings;
  readonly logger: Logger;
  /** Loads the file once to check it and read its vocabulary size (the validation load). */
  readonly validate: (file: string) => Promise<{ vocabSize: number }>;
  readonly clock?: Clock;
  /** SMG's job timeout (600 s). */
  readonly jobTimeoutMs?: number;
  /** Failed jobs are forgotten after this long (SMG: 5 min). */
  readonly failedJobTtlMs?: number;
  /** A watch call answers after this long even without a change. */
  readonly watchMs?: number;
  /** Jobs running at once; more are refused with 503. */
  readonly maxJobs?: number;
}

export type SubmitResult =
  | { readonly kind: 'accepted'; readonly id: string }
  | { readonly kind: 'duplicate'; readonly id: string }
  | { readonly kind: 'busy' };

/**
 * The instance's tokenizer registry, owned by the primary (SMG §7): registration jobs
 * (resolve the source, download when allowed, load once to validate) and the registered
 * tokenizers, replicated to the ingress processes as a `Replicated` list sorted by name
 * (control op 'sync:tokenizers'). Each ingress process loads every registered tokenizer
 * itself from its resolved file.
 */
export class TokenizerRegistry {
  private readonly records = new Map<string, TokenizerRecord>();
  private readonly jobs = new Map<string, TokenizerJob>();
  private readonly running = new Set<Promise<void>>();
  private readonly clock: Clock;
  private closed = false;
  /** What the ingress processes replicate: `list()` after every change. */
  readonly replicated: Replicated<readonly TokenizerRecord[]>;

  constructor(private readonly opts: TokenizerRegistryOptions) {
    this.clock = opts.clock ?? systemClock;
    this.replicated = new Replicated<readonly TokenizerRecord[]>(
      [],
      opts.watchMs !== undefined ? { watchMs: opts.watchMs } : {},
    );
  }

  /** Starts a registration job (202), or names the tokenizer that already has `name` (409). */
  submit(name: string, source: string, chatTemplatePath?: string): SubmitResult {
    const existing = this.byName(name);
    if (existing) return { kind: 'duplicate', id: existing.id };
    if (this.running.size >= (this.opts.maxJobs ?? 64)) return { kind: 'busy' };
    const id = uuidv7(this.clock.now());
    const job: TokenizerJob = {
      id,
      name,
      source,
      status: 'pending',
      message: 'Tokenizer job is pending',
    };
    this.jobs.set(id, job);
    const run = this.run(job, chatTemplatePath).finally(() => this.running.delete(run));
    this.running.add(run);
    return { kind: 'accepted', id };
  }

  /** Resolves when every job submitted so far has finished. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  /** By id, then by name. */
  find(idOrName: string): TokenizerRecord | undefined {
    return this.records.get(idOrName) ?? this.byName(idOrName);
  }

  job(id: string): TokenizerJob | undefined {
    return this.jobs.get(id);
  }

  /** Sorted by name. */
  list(): TokenizerRecord[] {
    return [...this.records.values()].sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
  }

  /** Removes by id or name; the removed record, if any. */
  remove(idOrName: string): TokenizerRecord | undefined {
    const r = this.find(idOrName);
    if (!r) return undefined;
    this.records.delete(r.id);
    this.changed();
    return r;
  }

  /** An ingress process went away: answer its watch now. */
  peerGone(peer: string): void {
    this.replicated.peerGone(peer);
  }

  /** Forgets failed jobs older than the TTL. */
  sweep(): void {
    const cutoff = this.clock.now() - (this.opts.failedJobTtlMs ?? 5 * 60_000);
    for (const [id, j] of this.jobs) {
      if (j.status === 'failed' && (j.finishedAtMs ?? 0) < cutoff) this.jobs.delete(id);
    }
  }

  close(): void {
    this.closed = true;
    this.replicated.close();
  }

  private byName(name: string): TokenizerRecord | undefined {
    for (const r of this.records.values()) if (r.name === name) return r;
    return undefined;
  }

  private async run(job: TokenizerJob, chatTemplatePath: string | undefined): Promise<void> {
    const timeoutMs = this.opts.jobTimeoutMs ?? 600_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.resolve();
      job.status = 'processing';
      job.message = 'Tokenizer job is processing';
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`timed out after ${timeoutMs / 1000} s`)),
          timeoutMs,
        );
        timer.unref();
      });
      const loaded = await Promise.race([this.load(job, chatTemplatePath), timeout]);
      const clash = this.byName(job.name);
      if (clash) throw new Error(`Tokenizer '${job.name}' already exists (id: ${clash.id})`);
      if (this.closed) return;
      this.records.set(job.id, loaded);
      this.jobs.delete(job.id); // the registry is authoritative from now on
      this.changed();
      this.opts.logger.info(
        { id: job.id, name: job.name, file: loaded.file, vocabSize: loaded.vocab_size },
        'tokenizer registered',
      );
    } catch (err) {
      job.status = 'failed';
      job.message = err instanceof Error ? err.message : String(err);
      job.finishedAtMs = this.clock.now();
      this.opts.logger.warn(
        { id: job.id, name: job.name, source: job.source, err: job.message },
        'tokenizer registration failed',
      );
    } finally {
      clearTimeout(timer);
    }
  }

  private async load(
    job: TokenizerJob,
    chatTemplatePath: string | undefined,
  ): Promise<TokenizerRecord> {
    if (chatTemplatePath !== undefined && !fs.existsSync(chatTemplatePath)) {
      throw new Error(
        `Failed to load tokenizer '${job.name}': chat template '${chatTemplatePath}' does not exist`,
      );
    }
    let file: string;
    try {
      ({ file } = await resolveTokenizerSource(job.source, {
        hubDownload: this.opts.hubDownload,
        hub: this.opts.hub,
      }));
    } catch (err) {
      throw new Error(`Failed to load tokenizer '${job.name}': ${(err as Error).message}`, {
        cause: err,
      });
    }
    let vocabSize: number;
    try {
      ({ vocabSize } = await this.opts.validate(file));
    } catch (err) {
      throw new Error(
        `Failed to load tokenizer '${job.name}' from '${file}': ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
    return {
      id: job.id,
      name: job.name,
      source: job.source,
      file,
      vocab_size: vocabSize,
      ...(chatTemplatePath !== undefined ? { chat_template_path: chatTemplatePath } : {}),
    };
  }

  private changed(): void {
    this.replicated.set(this.list());
  }
}

/**
 * The validation load: parse the file with the addon (or the JS engine for what the C++ one
 * refuses), read the vocabulary size, free it.
 */
export async function validateTokenizerFile(file: string): Promise<{ vocabSize: number }> {
  const addon = defaultTokenizerAddon();
  const handle = await addon.tokenizerLoad(file);
  try {
    return { vocabSize: addon.tokenizerInfo(handle).vocabSize };
  } finally {
    addon.tokenizerFree(handle);
  }
}
