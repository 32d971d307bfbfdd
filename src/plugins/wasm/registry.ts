import { createHash } from 'node:crypto';
import type { Logger } from '../../util/logger';
import { uuidv7 } from '../../util/uuid';
import { Replicated } from '../../cluster/replicated';
import { compileComponent } from './compile';
import { readModuleFile, StepError } from './module-file';
import { toWire, type WasmArtifactWire } from './wire';
import type { AttachPoint, WasmModuleRecord, WasmStatsDelta } from './types';

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

  constructor(private readonly opts: WasmRegistryOptions) {
    this.now = opts.now ?? Date.now;
  }

  async add(d: ModuleDescriptor): Promise<AddResult> {
    let held: string | undefined;
    try {
      const bytes = await readModuleFile(d.name, d.file_path, this.opts.maxFileBytes ?? 256 << 20);
      const sha = createHash('sha256').update(bytes).digest('hex');
      this.reserve(sha);
      held = sha;
      const artifact = await compileComponent(bytes, sha).catch((err: unknown) => {
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
      this.artifacts.set(sha, toWire(artifact));
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
  remove(uuid: string): string | undefined {
    const r = this.records.get(uuid);
    if (!r) {
      return `Workflow failed at step find_module_to_remove: Step failed: find_module_to_remove - Module with UUID ${uuid} not found`;
    }
    this.records.delete(uuid);
    this.access.delete(uuid);
    if (![...this.records.values()].some((x) => x.sha256 === r.sha256)) {
      this.artifacts.delete(r.sha256);
    }
    this.publish();
    this.opts.logger.info({ uuid, name: r.name }, 'WASM module removed');
    return undefined;
  }

  artifact(sha256: string): WasmArtifactWire | null {
    return this.artifacts.get(sha256) ?? null;
  }

  list(): readonly WasmModuleRecord[] {
    return [...this.records.values()];
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
    this.replicated.close();
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
