/**
 * Load time and memory of one tokenizer in a fresh process: spawned by bench/tokenizer.ts as
 * `node --expose-gc load-probe.js <engine> <source-json>`; prints one JSON line. A fresh process
 * per sample keeps earlier loads (and their freed-but-kept pages) out of the deltas.
 */
import { spawnSync } from 'node:child_process';
import {
  createContender,
  nativeTokenizerAddon,
  type EngineName,
  type TokenizerSource,
} from './contenders';

export interface LoadSample {
  readonly loadMs: number;
  /** Deltas in bytes between before the load and after it plus one encode and a full GC. */
  readonly rssBytes: number;
  readonly externalBytes: number;
  readonly heapUsedBytes: number;
}

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('run with --expose-gc');
  collect();
  collect();
}

async function probe(engine: EngineName, source: TokenizerSource): Promise<LoadSample> {
  nativeTokenizerAddon(); // the addon's own code is not part of a tokenizer's cost
  gc();
  const before = process.memoryUsage();
  const t0 = process.hrtime.bigint();
  const c = await createContender(engine, source);
  const loadMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (!c) throw new Error(`${engine} cannot load ${source.file}`);
  await c.encode('warm up: Hello, world! 你好');
  gc();
  const after = process.memoryUsage();
  return {
    loadMs,
    rssBytes: after.rss - before.rss,
    externalBytes: after.external - before.external,
    heapUsedBytes: after.heapUsed - before.heapUsed,
  };
}

/** Runs the probe in a child process (called from the bench). */
export function sampleLoad(engine: EngineName, source: TokenizerSource): LoadSample {
  const r = spawnSync(
    process.execPath,
    [...process.execArgv, '--expose-gc', __filename, engine, JSON.stringify(source)],
    { encoding: 'utf8', env: process.env },
  );
  if (r.status !== 0) throw new Error(`load probe ${engine} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as LoadSample;
}

if (require.main === module) {
  const [engine, source] = process.argv.slice(2);
  probe(engine as EngineName, JSON.parse(source ?? '{}') as TokenizerSource)
    .then((s) => process.stdout.write(`${JSON.stringify(s)}\n`))
    .catch((err: unknown) => {
      process.stderr.write(`${String(err)}\n`);
      process.exit(1);
    });
}
