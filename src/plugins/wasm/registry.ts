import { createHash } from 'node:crypto';
import type { Logger } from '../../util/logger';
import { uuidv7 } from '../../util/uuid';
import { Replicated } from '../../cluster/replicated';
import { ComponentCompiler } from './compiler';
import { readModuleFile, StepError } from './module-file';
import type { WasmArtifactWire } from './wire';
import type { AttachPoint, WasmModuleRecord, WasmStatsDelta } from './types';
import type { WasmStore } from './redis-store';

/** One entry of POST /wasm, already shape-checked. */
export interface ModuleDescriptor {
  readonly name: string;
  readonly file_path: string;
  readonly attach_points: readonly AttachPoint[];
}

export type AddResult =
  { readonly ok: true; readonly uuid: string } | { readonly ok: false; readonly error: string };

export interface WasmRegistryOptions {
  readonly logger: Logger;
  /** Registered modules at most (collie; SMG has no bound). */
  readonly maxModules: number;
  /** Largest module file read, bytes. */
  readonly maxFileBytes?: number;
  /** Wall clock, ms since the epoch. */
  readonly now?: () => number;
  /** Modules shared with every instance on the same Redis (--redis-url). */
  readonly store?: WasmStore;
  /** How often the store's version is polled, ms (500). */
  readonly syncMs?: number;
}

interface Totals {
  total: number;
  success: number;
  failed: number;
  totalMs: number;
  maxMs: number;
}

/**
 * The instance's WASM modules, owned by the primary: registration (SMG's workflow steps and
 * messages: path rules, SHA-256 duplicate check, component check, UUIDv7), removal, the
 * transpiled artifacts by SHA-256, and the execution counters the ingress processes report.
 * The module list is replicated to every ingress process (control op 'sync:wasm'); they
 * fetch artifacts by hash ('wasm-artifact'). A module is in the list only once it compiled:
 * nothing is ever half-registered.
 */
export class WasmRegistry {
  readonly replicated = new Replicated<readonly WasmModuleRecord[]>([]);
  private readonly records = new Map<string, WasmModuleRecord>();
  private readonly artifacts = new Map<string, WasmArtifactWire>();
  /** Hashes being registered right now (a concurrent POST of the same bytes is a duplicate). */
  private readonly reserved = new Set<string>();
  private readonly totals: Totals = { total: 0, success: 0, failed: 0, totalMs: 0, maxMs: 0 };
  private readonly access = new Map<string, { count: number; lastMs: number }>();
  private readonly now: () => number;
  /** Modules known to be in the shared store (a local-only one is never removed by a sync). */
  private readonly shared = new Set<string>();
  private storeVersion = -1;
  private syncing: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly compiler = new ComponentCompiler();

  constructor(private readonly opts: WasmRegistryOptions) {
    this.now = opts.now ?? Date.now;
    if (opts.store) {
      this.timer = setInterval(() => void this.sync(), opts.syncMs ?? 500);
      this.timer.unref();
      void this.sync();
    }
  }

  async add(d: ModuleDescriptor): Promise<AddResult> {
    let held: string | undefined;
    try {
      const bytes = await readModuleFile(d.name, d.file_path, this.opts.maxFileBytes ?? 256 << 20);
      const sha = createHash('sha256').update(bytes).digest('hex');
      this.reserve(sha);
      held = sha;
      const artifact = await this.compiler.compile(bytes, sha).catch((err: unknown) => {
        const e = err instanceof Error ? err.message : String(err);
        throw new StepError(
          'validate_wasm_component',
          `Invalid WASM component: ${e}. Hint: The WASM file must be in component format. If you're using wit-bindgen, use 'wasm-tools component new' to wrap the WASM module into a component.`,
        );
      });
      const record: WasmModuleRecord = {
        uuid: uuidv7(this.now()),
        name: d.name,
        filePath: d.file_path,
        sha256: sha,
        sizeBytes: bytes.length,
        createdNs: `${BigInt(this.now()) * 1_000_000n}`,
        attachPoints: d.attach_points,
      };
      await this.share(record, bytes);
      this.artifacts.set(sha, artifact);
      this.records.set(record.uuid, record);
      this.publish();
      this.opts.logger.info(
        { uuid: record.uuid, name: d.name, sha256: sha },
        'WASM module registered',
      );
      return { ok: true, uuid: record.uuid };
    } catch (err) {
      const error = err instanceof StepError ? err.smgMessage : String(err);
      this.opts.logger.warn({ name: d.name, file: d.file_path, error }, 'WASM module refused');
      return { ok: false, error };
    } finally {
      if (held !== undefined) this.reserved.delete(held);
    }
  }

  /** Removes a module; returns SMG's job error when there is none under `uuid`. */
  async remove(uuid: string): Promise<string | undefined> {
    if (this.opts.store && !this.records.has(uuid)) await this.sync(); // maybe another instance's
    const r = this.records.get(uuid);
    if (!r) {
      return `Workflow failed at step find_module_to_remove: Step failed: find_module_to_remove - Module with UUID ${uuid} not found`;
    }
    this.drop(r);
    this.publish();
    this.opts.logger.info({ uuid, name: r.name }, 'WASM module removed');
    if (this.shared.delete(uuid)) {
      await this.opts.store
        ?.remove(r)
        .catch((err: unknown) =>
          this.opts.logger.warn(
            { err, uuid },
            'WASM store unreachable: removed on this instance only',
          ),
        );
    }
    return undefined;
  }

  private drop(r: WasmModuleRecord): void {
    this.records.delete(r.uuid);
    this.access.delete(r.uuid);
    if (![...this.records.values()].some((x) => x.sha256 === r.sha256)) {
      this.artifacts.delete(r.sha256);
    }
  }

  /** Claims the hash cluster-wide and stores the module; Redis down → this instance only. */
  private async share(record: WasmModuleRecord, bytes: Uint8Array): Promise<void> {
    const store = this.opts.store;
    if (!store) return;
    let claimed: boolean;
    try {
      claimed = await store.claim(record.sha256, record.uuid);
      if (claimed) await store.put(record, bytes);
    } catch (err) {
      this.opts.logger.warn(
        { err },
        'WASM store unreachable: module registered on this instance only',
      );
      return;
    }
    if (!claimed) {
      throw new StepError(
        'check_duplicate',
        `Duplicate SHA256 hash detected: module with same sha256 already exists: ${record.sha256}`,
      );
    }
    this.shared.add(record.uuid);
  }

  /** Applies the shared store's module list when its version moved (one sync at a time). */
  sync(): Promise<void> {
    this.syncing ??= this.reconcile()
      .catch((err: unknown) => this.opts.logger.debug({ err }, 'WASM store sync failed'))
      .finally(() => (this.syncing = undefined));
    return this.syncing;
  }

  private async reconcile(): Promise<void> {
    const store = this.opts.store;
    if (!store) return;
    const version = await store.version();
    if (version === this.storeVersion) return;
    const remote = await store.all();
    let changed = false;
    for (const r of remote) {
      if (this.records.has(r.uuid) || this.reserved.has(r.sha256)) continue;
      const bytes = await store.bytes(r.sha256);
      if (!bytes || createHash('sha256').update(bytes).digest('hex') !== r.sha256) continue;
      try {
        const artifact = await this.compiler.compile(bytes, r.sha256);
        this.artifacts.set(r.sha256, artifact);
        this.records.set(r.uuid, r);
        this.shared.add(r.uuid);
        changed = true;
      } catch (err) {
        this.opts.logger.warn({ err, uuid: r.uuid }, 'shared WASM module does not compile here');
      }
    }
    const ids = new Set(remote.map((r) => r.uuid));
    for (const uuid of [...this.shared]) {
      const r = this.records.get(uuid);
      if (ids.has(uuid) || !r) continue;
      this.shared.delete(uuid);
      this.drop(r);
      changed = true;
    }
    this.storeVersion = version;
    if (changed) this.publish();
  }

  artifact(sha256: string): WasmArtifactWire | null {
    return this.artifacts.get(sha256) ?? null;
  }

  /** In registration order (UUIDv7 sorts by creation time, on every instance alike). */
  list(): readonly WasmModuleRecord[] {
    return [...this.records.values()].sort((a, b) =>
      a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0,
    );
  }

  /** Adds one ingress process's counters. */
  record(d: WasmStatsDelta): void {
    const t = this.totals;
    t.total += d.total;
    t.success += d.success;
    t.failed += d.failed;
    t.totalMs += d.totalMs;
    t.maxMs = Math.max(t.maxMs, d.maxMs);
    for (const [uuid, [count, lastMs]] of Object.entries(d.modules)) {
      if (!this.records.has(uuid)) continue;
      const a = this.access.get(uuid) ?? { count: 0, lastMs: 0 };
      a.count += count;
      a.lastMs = Math.max(a.lastMs, lastMs);
      this.access.set(uuid, a);
    }
  }

  accessOf(uuid: string): { count: number; lastMs: number } | undefined {
    return this.access.get(uuid);
  }

  get metrics(): Readonly<Totals> {
    return this.totals;
  }

  close(): void {
    clearInterval(this.timer);
    this.replicated.close();
    void this.opts.store?.close();
    void this.compiler.close();
  }

  private reserve(sha: string): void {
    const taken =
      this.reserved.has(sha) || [...this.records.values()].some((r) => r.sha256 === sha);
    if (taken) {
      throw new StepError(
        'check_duplicate',
        `Duplicate SHA256 hash detected: module with same sha256 already exists: ${sha}`,
      );
    }
    if (this.records.size + this.reserved.size >= this.opts.maxModules) {
      throw new StepError(
        'register_module',
        `Failed to register module: module limit reached (${this.opts.maxModules} modules)`,
      );
    }
    this.reserved.add(sha);
  }

  private publish(): void {
    this.replicated.set(this.list());
  }
}
