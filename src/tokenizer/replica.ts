import type { Logger } from '../util/logger';
import type { Tokenizer } from './tokenizer';
import { Replica, type ReplicaSource, type Versioned } from '../cluster/replicated';

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

/** The registry as the primary replicates it: its records sorted by name, versioned. */
export type TokenizerSnapshot = Versioned<readonly TokenizerRecord[]>;

/** The pull transport to the primary's registry (long-poll `watch`, `fetch` now). */
export interface ReplicaDeps extends Required<
  Pick<ReplicaSource<readonly TokenizerRecord[]>, 'watch' | 'fetch'>
> {
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
 * An ingress process's copy of the registry (a `Replica` following the primary's). Every
 * registered tokenizer is loaded here from its resolved file (records with the same file
 * share one load). A lookup that misses asks the primary for the current registry before
 * answering "not found", and a lookup of a tokenizer still loading waits for the load.
 */
export class TokenizerReplica {
  private readonly state: Replica<readonly TokenizerRecord[]>;
  private records: readonly TokenizerRecord[] = [];
  private readonly loads = new Map<string, LocalLoad>();
  private closed = false;

  constructor(private readonly deps: ReplicaDeps) {
    this.state = new Replica(deps, { logger: deps.logger, name: 'tokenizers' });
    this.state.onChange((records) => this.apply(records));
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
    return this.state.refresh();
  }

  /** Resolves once every registered tokenizer finished loading here (or failed to). */
  async ready(): Promise<void> {
    await Promise.allSettled([...this.loads.values()].map((l) => l.promise));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.state.close();
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

  /** A newer registry arrived (the replica applies newer versions only). */
  private apply(records: readonly TokenizerRecord[]): void {
    if (this.closed) return;
    this.records = [...records].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
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
