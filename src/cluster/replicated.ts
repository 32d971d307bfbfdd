import type { Logger } from '../util/logger';

/**
 * One replication mechanism for state the primary owns and every ingress process reads:
 * the worker registry, the tokenizer registry, and later WASM modules and config KV.
 *
 * Consistency rule (what every transport and replica must keep):
 * - One writer per state per instance: the primary's `Replicated<T>`. A change replaces the
 *   whole value and bumps `version` by one. The initial value is version 1, so a replica at
 *   version 0 has never synced ("no tokenizers" is not "not synced yet").
 * - Snapshots are complete, never deltas. A replica applies a snapshot only if its version
 *   is above the one it holds: newer wins, older or equal is ignored (last writer wins by
 *   revision). A delivery may therefore arrive twice, late or out of order — a push racing
 *   a fetch, a bus replay after a live message — without harm.
 * - A replica that (re)starts holds nothing and asks for the full current snapshot: a first
 *   watch at version 0, a fetch, or the newest snapshot the push transport replays to a late
 *   joiner. So a restarted ingress process converges on what the others hold.
 * - Versions live as long as the primary. Ingress processes are its children, so a new
 *   primary means new replicas; another instance owns its own states (and versions).
 *
 * Transports deliver `Versioned<T>` either way: push (`subscribe`; the worker registry rides
 * the state bus, whose hubs retain the newest snapshot for late joiners) or pull (`watch`, a
 * long-poll over the control RPC, and `fetch`; the tokenizer registry). A new state needs a
 * `Replicated<T>` in the primary, a transport (a `sync:<name>` control op served by
 * `syncHandler`, read with `pollSource`) and a `Replica<T>` in each ingress process.
 */

export interface Versioned<T> {
  readonly version: number;
  readonly value: T;
}

/** The pull transport's request: no `since` = the snapshot now; `since` = long-poll. */
export interface SyncRequest {
  readonly since?: number;
}

interface Watcher<T> {
  readonly peer: string;
  readonly resolve: (s: Versioned<T>) => void;
  readonly timer: NodeJS.Timeout;
}

export interface ReplicatedOptions {
  /** A watch with nothing newer answers with the current snapshot after this long (ms; 20 000). */
  readonly watchMs?: number;
}

/** Primary side: the authoritative (version, value) of one state and its subscribers. */
export class Replicated<T> {
  private current: Versioned<T>;
  private readonly listeners = new Set<(s: Versioned<T>) => void>();
  private readonly watchers = new Set<Watcher<T>>();
  private closed = false;

  constructor(
    initial: T,
    private readonly opts: ReplicatedOptions = {},
  ) {
    this.current = { version: 1, value: initial };
  }

  get version(): number {
    return this.current.version;
  }

  get value(): T {
    return this.current.value;
  }

  snapshot(): Versioned<T> {
    return this.current;
  }

  /** Replaces the value: the next version goes to every subscriber and pending watch. */
  set(value: T): Versioned<T> {
    this.current = { version: this.current.version + 1, value };
    for (const l of this.listeners) l(this.current);
    for (const w of this.watchers) this.answer(w);
    return this.current;
  }

  /** Push transport: `fn` gets the current snapshot now, then every newer one. */
  subscribe(fn: (s: Versioned<T>) => void): () => void {
    this.listeners.add(fn);
    fn(this.current);
    return () => this.listeners.delete(fn);
  }

  /**
   * Pull transport: the snapshot once its version is above `since` (at once if it already
   * is, or once closed), else the current one after `watchMs`.
   */
  watch(since: number, peer = ''): Promise<Versioned<T>> {
    if (this.current.version > since || this.closed) return Promise.resolve(this.current);
    return new Promise((resolve) => {
      const w: Watcher<T> = {
        peer,
        resolve,
        timer: setTimeout(() => this.answer(w), this.opts.watchMs ?? 20_000),
      };
      w.timer.unref();
      this.watchers.add(w);
    });
  }

  /** A peer went away: its pending watches answer now. */
  peerGone(peer: string): void {
    for (const w of this.watchers) if (w.peer === peer) this.answer(w);
  }

  /** Answers every pending watch; later watches answer at once. */
  close(): void {
    this.closed = true;
    this.listeners.clear();
    for (const w of this.watchers) this.answer(w);
  }

  private answer(w: Watcher<T>): void {
    clearTimeout(w.timer);
    this.watchers.delete(w);
    w.resolve(this.current);
  }
}

/** The primary's handler of a `sync:<name>` control op. */
export function syncHandler<T>(
  state: Replicated<T>,
): (req: SyncRequest, peer: string) => Promise<Versioned<T>> {
  return (req, peer) =>
    req.since === undefined ? Promise.resolve(state.snapshot()) : state.watch(req.since, peer);
}

/** Where a replica's snapshots come from; a transport offers push, pull, or both. */
export interface ReplicaSource<T> {
  /** The primary's current snapshot, now (start-up and `refresh()`). */
  fetch?(): Promise<Versioned<T>>;
  /** Long-poll: a snapshot newer than `since`, or the current one after the watch period. */
  watch?(since: number): Promise<Versioned<T>>;
  /** Push: `deliver` gets every published snapshot, the newest retained one first. */
  subscribe?(deliver: (s: Versioned<T>) => void): () => void;
}

/** A pull source over a request/response call (the control RPC's `sync:<name>` op). */
export function pollSource<T>(
  sync: (req: SyncRequest, timeoutMs?: number) => Promise<Versioned<T>>,
  /** A watch call's deadline; above the primary's watch period (ms). */
  watchTimeoutMs = 60_000,
): Required<Pick<ReplicaSource<T>, 'fetch' | 'watch'>> {
  return {
    fetch: () => sync({}),
    watch: (since) => sync({ since }, watchTimeoutMs),
  };
}

export interface ReplicaOptions {
  readonly logger?: Logger;
  /** Names the state in logs. */
  readonly name?: string;
  /** Pause after a failed watch before the next one (ms; 1000). */
  readonly retryMs?: number;
}

/**
 * Ingress side: the newest snapshot of one state seen so far. Follows its source (push
 * subscription, long-poll loop, or a fetch at start) and applies only newer versions.
 */
export class Replica<T> {
  private current: Versioned<T> | undefined;
  private readonly listeners = new Set<(value: T, version: number) => void>();
  private readonly unsubscribe: (() => void) | undefined;
  private refreshing: Promise<void> | undefined;
  private closed = false;
  private markSynced: () => void = () => undefined;
  private readonly syncedPromise = new Promise<void>((r) => (this.markSynced = r));

  constructor(
    private readonly source: ReplicaSource<T>,
    private readonly opts: ReplicaOptions = {},
  ) {
    this.unsubscribe = source.subscribe?.((s) => this.apply(s));
    if (source.watch) void this.follow(source.watch.bind(source));
    else if (source.fetch && !this.current) {
      this.refresh().catch((err: unknown) => this.log(err, 'initial fetch failed'));
    }
  }

  /** 0 until the first snapshot arrived. */
  get version(): number {
    return this.current?.version ?? 0;
  }

  get value(): T | undefined {
    return this.current?.value;
  }

  /** Applies `s` if it is newer than what this replica holds; true if it did. */
  apply(s: Versioned<T>): boolean {
    if (this.closed || !Number.isSafeInteger(s.version) || s.version <= this.version) return false;
    this.current = s;
    this.markSynced();
    for (const l of this.listeners) l(s.value, s.version);
    return true;
  }

  /** Resolves once the first snapshot has been applied. */
  synced(): Promise<void> {
    return this.syncedPromise;
  }

  /** `fn` gets the current value now if there is one, then every newer one. */
  onChange(fn: (value: T, version: number) => void): () => void {
    this.listeners.add(fn);
    if (this.current) fn(this.current.value, this.current.version);
    return () => this.listeners.delete(fn);
  }

  /** Fetches and applies the primary's current snapshot now (concurrent calls share one). */
  refresh(): Promise<void> {
    const fetch = this.source.fetch?.bind(this.source);
    if (!fetch || this.closed) return Promise.resolve();
    if (this.refreshing) return this.refreshing;
    // cleared before the snapshot is applied, so a refresh asked by a change listener fetches anew
    const done = (): void => {
      if (this.refreshing === p) this.refreshing = undefined;
    };
    const p = fetch().then(
      (s) => {
        done();
        this.apply(s);
      },
      (err: unknown) => {
        done();
        throw err;
      },
    );
    this.refreshing = p;
    return p;
  }

  /** Stops following; a pending watch ends when its call returns. */
  close(): void {
    this.closed = true;
    this.unsubscribe?.();
    this.listeners.clear();
  }

  /** The long-poll loop; errors (primary busy, channel closed) back off and retry. */
  private async follow(watch: (since: number) => Promise<Versioned<T>>): Promise<void> {
    while (!this.closed) {
      try {
        this.apply(await watch(this.version));
      } catch (err) {
        if (this.closed) return;
        this.log(err, 'watch failed; retrying');
        await new Promise((r) => setTimeout(r, this.opts.retryMs ?? 1000).unref());
      }
    }
  }

  private log(err: unknown, msg: string): void {
    this.opts.logger?.debug({ err, state: this.opts.name }, `replica: ${msg}`);
  }
}
