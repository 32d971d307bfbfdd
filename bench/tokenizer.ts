/**
 * Tokenizer speed: our C++ engine (inline N-API calls) against Hugging Face's Rust `tokenizers`
 * (@anush008/tokenizers) and, for tiktoken encodings, the `tiktoken` WASM package and
 * js-tiktoken, on the same corpus (test/fixtures/tokenizer-corpus) in the same process, one
 * thread each. Reports corpus MB/s, µs per 50-token chat message and per 2k-token prompt, load
 * time and memory (fresh process per sample), and collie/tokenizer's pool throughput with 2
 * threads. Targets (Llama 3.1): ≥ 10× HF's corpus MB/s, ≤ 5 µs per 50-token message.
 * Medians of TOKENIZER_BENCH_ROUNDS rounds (default 5). Writes bench/results/tokenizer.json and
 * prints a table on stderr.
 *
 *   npm run bench:tokenizer [-- llama3_1 qwen3 …]
 */
// single-threaded HF: must be set before its thread pools start (first encodeBatch)
process.env['RAYON_NUM_THREADS'] = '1';
process.env['TOKENIZERS_PARALLELISM'] = 'false';

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { machineInfo } from './lib/machine';
import { repoRoot } from './lib/paths';
import { ENGINE_NAMES, nativeTokenizerAddon, type TokenizerSource } from './tokenizer/contenders';
import { measureTokenizer, type EngineResult } from './tokenizer/measure';
import { measurePool, type PoolResult } from './tokenizer/pool';
import { checkTargets, renderTable, tokenCountWarnings } from './tokenizer/report';
import { buildWorkloads, type Workloads } from './tokenizer/workloads';
import { lenmlTokenizerFile, tiktokenDir } from '../test/unit/tokenizer-oracle/specs';
import { writeTiktokenFile } from '../test/unit/tokenizer-oracle/tiktoken-file';

const TOKENIZERS: Readonly<Record<string, () => TokenizerSource>> = {
  llama3_1: () => ({ kind: 'hf', file: lenmlTokenizerFile('llama3_1') }),
  qwen3: () => ({ kind: 'hf', file: lenmlTokenizerFile('qwen3') }),
  deepseek_v3: () => ({ kind: 'hf', file: lenmlTokenizerFile('deepseek_v3') }),
  llama2: () => ({ kind: 'hf', file: lenmlTokenizerFile('llama2') }),
  o200k_base: () => ({
    kind: 'tiktoken',
    encoding: 'o200k_base',
    file: writeTiktokenFile('o200k_base', tiktokenDir).file,
  }),
};
const PRIMARY = 'llama3_1';
const POOL_THREADS = 2;

const ROUNDS = Number(process.env['TOKENIZER_BENCH_ROUNDS'] ?? 5);
const LOAD_SAMPLES = Number(process.env['TOKENIZER_BENCH_LOAD_SAMPLES'] ?? 3);
const log = (line: string): void => void process.stderr.write(`${line}\n`);

function packageVersion(name: string): string {
  const file = path.join(repoRoot, 'node_modules', name, 'package.json');
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}

async function measureAll(names: readonly string[], w: Workloads): Promise<EngineResult[]> {
  const rows: EngineResult[] = [];
  for (const name of names) {
    const source = (TOKENIZERS[name] as () => TokenizerSource)();
    log(`${name}: ${source.file}`);
    const opts = { rounds: ROUNDS, loadSamples: LOAD_SAMPLES, callBudgetMs: 150, log };
    rows.push(...(await measureTokenizer(name, source, ENGINE_NAMES, w, opts)));
  }
  return rows;
}

async function poolRows(w: Workloads, rows: readonly EngineResult[]): Promise<PoolResult[]> {
  if (!nativeTokenizerAddon()) return [];
  const inline = rows.find((r) => r.tokenizer === PRIMARY && r.engine === 'collie');
  log(`${PRIMARY}: collie/tokenizer with a ${POOL_THREADS}-thread pool`);
  const file = (TOKENIZERS[PRIMARY] as () => TokenizerSource)().file;
  const out: PoolResult[] = [];
  for (const dispatch of ['pool', 'default', 'batch'] as const) {
    const mbps = inline?.corpusMBps ?? null;
    out.push(await measurePool(PRIMARY, file, POOL_THREADS, dispatch, w, ROUNDS, mbps));
  }
  return out;
}

function warningsFor(rows: readonly EngineResult[], cpus: number): string[] {
  const warnings = tokenCountWarnings(rows);
  if (!nativeTokenizerAddon()) warnings.push('the native tokenizer is not built: no collie rows');
  const [load = 0] = os.loadavg();
  if (load > cpus / 2) warnings.push(`the machine was busy (1-min load average ${load})`);
  return warnings;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const names = args.length > 0 ? args : Object.keys(TOKENIZERS);
  const unknown = names.filter((n) => !(n in TOKENIZERS));
  if (unknown.length > 0) throw new Error(`unknown tokenizers: ${unknown.join(', ')}`);
  const startedAt = new Date().toISOString();
  const machine = machineInfo();
  const w = await buildWorkloads();
  log(
    `corpus: ${w.corpus.length} documents, ${(w.corpusBytes / 1e6).toFixed(2)} MB; ${ROUNDS} rounds`,
  );
  const rows = await measureAll(names, w);
  const pool = names.includes(PRIMARY) ? await poolRows(w, rows) : [];
  const report = {
    bench: 'tokenizer',
    startedAt,
    finishedAt: new Date().toISOString(),
    machine: { ...machine, loadavgAtEnd: os.loadavg() },
    versions: Object.fromEntries(
      ['@anush008/tokenizers', 'tiktoken', 'js-tiktoken'].map((p) => [p, packageVersion(p)]),
    ),
    method: {
      rounds: ROUNDS,
      loadSamples: LOAD_SAMPLES,
      threads: 'one per engine (RAYON_NUM_THREADS=1, TOKENIZERS_PARALLELISM=false for HF)',
      encode: 'addSpecialTokens false; special-token strings in text map to their ids',
      corpusMBps: 'UTF-8 bytes of all corpus documents / wall time of encoding all of them',
      perCall: 'mean µs of back-to-back calls on one input (HF: each call awaited)',
      load: 'fresh process per sample; deltas after one encode and a full GC',
      pool:
        'collie/tokenizer, every document at once: pool = encode() each with inlineThreshold 0, ' +
        'default = encode() each (inline below DEFAULT_INLINE_THRESHOLD), batch = one encodeBatch()',
    },
    corpus: { documents: w.corpus.length, bytes: w.corpusBytes, bytesByKind: w.corpusBytesByKind },
    workloads: { messageChars: w.message.length, promptChars: w.prompt.length },
    results: rows,
    pool,
    targets: names.includes(PRIMARY) ? checkTargets(rows, PRIMARY) : null,
    warnings: warningsFor(rows, os.cpus().length),
  };
  const dir = path.join(repoRoot, 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'tokenizer.json'), `${JSON.stringify(report, null, 2)}\n`);
  log(`\n${renderTable(rows, pool)}\n`);
  if (report.targets) log(`targets (${PRIMARY}): ${JSON.stringify(report.targets)}`);
  for (const warning of report.warnings) log(`WARNING: ${warning}`);
  log('wrote bench/results/tokenizer.json');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
