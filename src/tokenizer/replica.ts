import type { Logger } from '../util/logger';
import type { Tokenizer } from './tokenizer';

/** One registered tokenizer as the primary replicates it (JSON over IPC). */
export interface TokenizerRecord {
  readonly id: string;
  readonly name: string;
  /** What the user registered (path or Hugging Face id). */
  readonly source: string;
  /** The resolved local file every process loads. */
  readonly file: string;
  readonly vocab_size: number;
  readonly chat_template_path?: string;
}

export interface TokenizerSnapshot {
  /** Grows with every change of the registry. */
  readonly version: number;
  readonly tokenizers: readonly TokenizerRecord[];
}

export interface ReplicaDeps {
  /** Long-poll: the snapshot once newer than `since` (or after the primary's watch period). */
  watch(since: number): Promise<TokenizerSnapshot>;
  /** The current snapshot, now. */
  fetch(): Promise<TokenizerSnapshot>;
  /** Loads a resolved file in this process. */
  load(file: string): Promise<Tokenizer>;
  readonly logger: Logger;
  /** A removed tokenizer is closed after this long, so requests holding it finish (ms). */
  readonly closeDelayMs?: number;
}

export type Lookup =
  | { readonly kind: 'found'; readonly record: TokenizerRecord; readonly tokenizer: Tokenizer }
  | { readonly kind: 'not_found'; readonly message: string };

interface LocalLoad {
  readonly promise: Promise<Tokenizer>;
  /** Set once the load finished. */
  loaded?: Tokenizer;
}

/**
 * An ingress process's copy of the registry. Every registered tokenizer is loaded here
 * from its resolved file (records with the same file share one load). A lookup that
 * misses asks the primary for the current registry before answering "not found", and a
 * lookup of a tokenizer still loading waits for the load.
 */
export class TokenizerReplica {
  private version = 0;
  private records: readonly TokenizerRecord[] = [];
  private readonly loads = new Map<string, LocalLoad>();
  private refreshing: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly deps: ReplicaDeps) {
    void this.follow();
  }

  /** SMG §5.6: by name, then id; '' or 'unknown' = the first by name. */
  async lookup(model: string): Promise<Lookup> {
    if (this.closed) throw new Error('the tokenizer registry is closed');
    let record = this.find(model);
    if (!record) {
      await this.refresh();
      record = this.find(model);
    }
    if (!record) return { kind: 'not_found', message: this.notFoundMessage(model) };
    if (this.closed) throw new Error('the tokenizer registry is closed');
    return { kind: 'found', record, tokenizer: await this.loadFor(record).promise };
  }

  /**
   * The tokenizer registered under `model` (by name) if this process has finished loading it;
   * never waits, never asks the primary (the routing decision uses it synchronously).
   */
  loadedFor(model: string): Tokenizer | undefined {
    if (this.closed) return undefined;
    const record = this.records.find((r) => r.name === model);
    return record ? this.loads.get(record.file)?.loaded : undefined;
  }

  /** The registry as this process knows it. */
  list(): readonly TokenizerRecord[] {
    return this.records;
  }

  /** Applies the primary's current snapshot now (coalesced). */
  refresh(): Promise<void> {
    this.refreshing ??= this.deps
      .fetch()
      .then((s) => this.apply(s))
      .finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /** Resolves once every registered tokenizer finished loading here (or failed to). */
  async ready(): Promise<void> {
    await Promise.allSettled([...this.loads.values()].map((l) => l.promise));
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.loads.values()];
    this.loads.clear();
    this.records = [];
    await Promise.allSettled(all.map(async (l) => (await l.promise).close()));
    // the watch loop ends when its pending call returns (the primary answers watchers on close)
  }

  private find(model: string): TokenizerRecord | undefined {
    if (model === '' || model === 'unknown') return this.records[0];
    return this.records.find((r) => r.name === model) ?? this.records.find((r) => r.id === model);
  }

  private notFoundMessage(model: string): string {
    if (this.records.length === 0)
      return 'No tokenizers available. Use POST /v1/tokenizers to add one.';
    return `Tokenizer for model '${model}' not found. Available: ${this.records.map((r) => r.name).join(', ')}`;
  }

  /** The watch loop; errors (primary busy, channel closed) back off and retry. */
  private async follow(): Promise<void> {
    while (!this.closed) {
      try {
        this.apply(await this.deps.watch(this.version));
      } catch (err) {
        if (this.closed) return;
        this.deps.logger.debug({ err }, 'tokenizer registry watch failed; retrying');
        await new Promise((r) => setTimeout(r, 1000).unref());
      }
    }
  }

  private apply(s: TokenizerSnapshot): void {
    if (this.closed || s.version <= this.version) return;
    this.version = s.version;
    this.records = [...s.tokenizers].sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
    const files = new Set(this.records.map((r) => r.file));
    for (const r of this.records) this.loadFor(r);
    for (const file of [...this.loads.keys()]) if (!files.has(file)) this.release(file);
  }

  /** The load of the record's file, started if needed; a failed load is retried next time. */
  private loadFor(r: TokenizerRecord): LocalLoad {
    const existing = this.loads.get(r.file);
    if (existing) return existing;
    const promise = this.deps.load(r.file);
    const l: LocalLoad = { promise };
    promise.then(
      (t) => (l.loaded = t),
      () => undefined,
    );
    promise.catch((err: unknown) => {
      if (this.loads.get(r.file) === l) this.loads.delete(r.file);
      this.deps.logger.error(
        { err, name: r.name, file: r.file },
        'tokenizer load failed in this process',
      );
    });
    this.loads.set(r.file, l);
    return l;
  }

  private release(file: string): void {
    const l = this.loads.get(file);
    if (!l) return;
    this.loads.delete(file);
    const timer = setTimeout(() => {
      l.promise.then((t) => t.close()).catch(() => undefined);
    }, this.deps.closeDelayMs ?? 2000);
    timer.unref();
  }
}
