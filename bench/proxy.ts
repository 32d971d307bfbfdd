/**
 * Proxy overhead against the stack's floor: one cheap engine, measured directly, through the
 * floor (a minimal uWebSockets.js + undici relay), through collie (round_robin and cache_aware,
 * --workers N) and through nginx (worker_processes N). Phases: non-streaming throughput (CPU per
 * request), streaming (CPU per chunk), closed-loop latency, added latency at a fixed rate
 * (p50/p99/p99.9) and N concurrent slow streams (time until all complete). Reports collie ÷
 * floor and collie ÷ nginx against the issue's targets, medians of interleaved rounds.
 *
 *   npm run bench:proxy -- --help
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { binaryVersion, findBinary } from './lib/binaries';
import { machineInfo as baseMachineInfo, type Machine as BaseMachine } from './lib/machine';
import { repoRoot } from './lib/paths';
import { CLOCK_TICKS_PER_SECOND } from './lib/proc-cpu';
import { createProcessGroup, installExitHandlers, type ProcessGroup } from './lib/processes';
import { fmt } from './lib/table';
import { openFileLimits } from './lib/fd-limit';
import { socketErrorTotal } from './lib/wrk';
import { parseProxyBenchOptions, USAGE, UsageError, type ProxyBenchOptions } from './proxy/options';
import { methodNotes, workloadsOf, writeReport, type ProxyBenchReport } from './proxy/report';
import { renderTables } from './proxy/report-tables';
import { runMatrix, type RunRecord, type Runs } from './proxy/runner';
import type { SlowStreamRecord } from './proxy/slow-streams';
import { findWarnings, summarize } from './proxy/summary';
import { openFilesWanted, startTargets, type Target } from './proxy/targets';
import { WORKLOAD } from './proxy/workload';

const INSTALL_HINT = 'install them with: apt-get install -y wrk nginx';

interface Tools {
  readonly wrkPath: string;
  readonly nginxPath: string | undefined;
  readonly versions: Record<string, string>;
}

/** wrk always; nginx only when it is a target. Exits 1 with the install command otherwise. */
function findTools(o: ProxyBenchOptions): Tools {
  const wrkPath = findBinary('wrk');
  const needNginx = o.targets.includes('nginx');
  const nginxPath = needNginx ? findBinary('nginx') : undefined;
  const missing = [
    ...(wrkPath === undefined ? ['wrk'] : []),
    ...(needNginx && nginxPath === undefined ? ['nginx'] : []),
  ];
  if (wrkPath === undefined || missing.length > 0) {
    process.stderr.write(`bench:proxy needs ${missing.join(' and ')} on PATH; ${INSTALL_HINT}\n`);
    process.exit(1);
  }
  const versions: Record<string, string> = { wrk: binaryVersion(wrkPath, ['-v']) };
  if (nginxPath !== undefined) versions['nginx'] = binaryVersion(nginxPath, ['-v']);
  return { wrkPath, nginxPath, versions };
}

function progressLine(run: RunRecord, o: ProxyBenchOptions): string {
  const cpu = run.proxyCpuUsPerReq ?? run.engineCpuUsPerReq;
  const errs = run.non2xx + socketErrorTotal(run.socketErrors);
  const p999 = run.p999Ms === null ? '' : `  p99.9 ${fmt(run.p999Ms, 3)} ms`;
  return (
    `[${run.round}/${o.repeat}] ${run.phase.padEnd(12)} ${run.target.padEnd(12)} ` +
    `${fmt(run.rps, 0).padStart(7)} req/s  p50 ${fmt(run.p50Ms, 3)} ms  p99 ${fmt(run.p99Ms, 3)} ms${p999}  ` +
    `cpu ${fmt(cpu, 1)} µs/req${run.proxyCpuUsPerReq === null ? ' (engine)' : ''}` +
    `${errs > 0 ? `  ERRORS ${errs}` : ''}\n`
  );
}

function slowProgressLine(run: SlowStreamRecord, o: ProxyBenchOptions): string {
  return (
    `[${run.round}/${o.repeat}] ${'slow-streams'.padEnd(12)} ${run.target.padEnd(12)} ` +
    `${run.completed}/${run.requested} complete in ${fmt(run.wallMs / 1000, 2)} s ` +
    `(nominal ${fmt(run.nominalMs / 1000, 2)} s, connect ${fmt(run.connectMs / 1000, 2)} s)` +
    `${run.failed > 0 ? `  FAILED ${run.failed}: ${JSON.stringify(run.errors)}` : ''}\n`
  );
}

/** Processes that would need more open files than the hard limit lets them have. */
function fdLimitWarnings(o: ProxyBenchOptions): string[] {
  const limits = openFileLimits();
  const want = openFilesWanted(o);
  if (limits === undefined || limits.hard >= want) return [];
  return [
    `open-file limit: the hard RLIMIT_NOFILE is ${limits.hard} but a proxy needs ~${want} ` +
      `for ${o.slowStreams} slow streams (2 sockets each); expect EMFILE failures. Raise it ` +
      `(ulimit -Hn) or lower --slow-streams.`,
  ];
}

interface Machine extends BaseMachine {
  readonly clockTicksPerSecond: number;
}

function machineInfo(): Machine {
  return { ...baseMachineInfo(), clockTicksPerSecond: CLOCK_TICKS_PER_SECOND };
}

interface Measured {
  readonly targets: readonly Target[];
  readonly runs: Runs;
}

/** Starts the engine and targets, runs the matrix, stops everything. Progress goes to stderr. */
async function measureAll(
  o: ProxyBenchOptions,
  group: ProcessGroup,
  tools: Tools,
): Promise<Measured> {
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'collie-bench-proxy-'));
  group.onCleanup(() => fs.rmSync(tmpDir, { recursive: true, force: true }));
  process.stderr.write(`starting engine (${o.engine}) and targets: ${o.targets.join(', ')}…\n`);
  const { engine, targets } = await startTargets(group, o, { nginxPath: tools.nginxPath, tmpDir });
  const ctx = { group, options: o, wrkPath: tools.wrkPath, tmpDir, enginePid: engine.child.pid };
  const runs = await runMatrix(ctx, targets, {
    onRun: (r) => process.stderr.write(progressLine(r, o)),
    onSlowStreams: (r) => process.stderr.write(slowProgressLine(r, o)),
  });
  await group.stopAll();
  return { targets, runs };
}

function buildReport(
  o: ProxyBenchOptions,
  m: Measured,
  meta: { startedAt: string; machine: Machine; tools: Tools },
): ProxyBenchReport {
  const { machine } = meta;
  const summary = summarize(m.targets, m.runs);
  const maxProcs = Math.max(0, ...(o.targets.some((t) => t !== 'direct') ? o.workers : []));
  const busy = o.threads + o.engineProcesses + maxProcs;
  const warnings = [...fdLimitWarnings(o), ...findWarnings(summary, m.runs, machine.cpus, busy)];
  const [loadAtStart = 0] = machine.loadavgAtStart;
  if (loadAtStart > machine.cpus / 2) {
    warnings.push(`the machine was busy before the bench (1-min load average ${loadAtStart})`);
  }
  return {
    bench: 'proxy',
    startedAt: meta.startedAt,
    finishedAt: new Date().toISOString(),
    machine: { ...machine, loadavgAtEnd: os.loadavg() },
    tools: { ...meta.tools.versions, engine: o.engine },
    options: { ...o, outDir: path.relative(repoRoot, o.outDir) || '.' },
    workload: WORKLOAD,
    workloads: workloadsOf(o),
    method: methodNotes(o, CLOCK_TICKS_PER_SECOND),
    summary,
    ratios: summary.ratios,
    warnings,
    runs: m.runs.wrk,
    slowStreamRuns: m.runs.slowStreams,
  };
}

function printReport(o: ProxyBenchOptions, report: ProxyBenchReport, files: string[]): void {
  const out = [
    '',
    renderTables(report.summary, o),
    '',
    ...Object.entries(report.method).map(([k, v]) => `${k}: ${v}`),
    ...(report.warnings.length > 0 ? ['', ...report.warnings.map((w) => `WARNING: ${w}`)] : []),
    '',
    ...files.map((f) => `wrote ${path.relative(process.cwd(), f)}`),
    '',
  ];
  process.stdout.write(out.join('\n'));
}

async function run(o: ProxyBenchOptions, group: ProcessGroup): Promise<void> {
  const startedAt = new Date().toISOString();
  const machine = machineInfo();
  const tools = findTools(o);
  const measured = await measureAll(o, group, tools);
  const report = buildReport(o, measured, { startedAt, machine, tools });
  printReport(o, report, writeReport(o.outDir, report));
}

function main(): void {
  let options: ProxyBenchOptions | 'help';
  try {
    options = parseProxyBenchOptions(process.argv.slice(2), process.env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${err.message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (options === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  const group = createProcessGroup();
  const exit = installExitHandlers(group);
  void run(options, group).then(
    () => process.exit(0),
    async (err: unknown) => {
      if (exit.signalled()) return; // the signal handler stops everything and exits
      process.stderr.write(
        `bench:proxy failed: ${err instanceof Error ? err.message : String(err)}\n`,
      );
      await group.stopAll(2000);
      process.exit(1);
    },
  );
}

main();
