/**
 * Proxy overhead: wrk against the mock engine directly, through collie (--workers N) and through
 * nginx (worker_processes N) as a plain reverse proxy to the same engine. Reports req/s, p50/p99,
 * CPU per request, collie ÷ nginx ratios and the latency collie adds at low concurrency.
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
import { socketErrorTotal, writeWrkScript } from './lib/wrk';
import { parseProxyBenchOptions, USAGE, UsageError, type ProxyBenchOptions } from './proxy/options';
import { methodNotes, renderTables, writeReport, type ProxyBenchReport } from './proxy/report';
import { runMatrix, type RunRecord } from './proxy/runner';
import { findWarnings, summarize } from './proxy/summary';
import { startTargets, type Target } from './proxy/targets';
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
  return (
    `[${run.round}/${o.repeat}] ${run.phase.padEnd(10)} ${run.target.padEnd(9)} ` +
    `${fmt(run.rps, 0).padStart(7)} req/s  p50 ${fmt(run.p50Ms, 3)} ms  p99 ${fmt(run.p99Ms, 3)} ms  ` +
    `cpu ${fmt(cpu, 1)} µs/req${run.proxyCpuUsPerReq === null ? ' (engine)' : ''}` +
    `${errs > 0 ? `  ERRORS ${errs}` : ''}\n`
  );
}

interface Machine extends BaseMachine {
  readonly clockTicksPerSecond: number;
}

function machineInfo(): Machine {
  return { ...baseMachineInfo(), clockTicksPerSecond: CLOCK_TICKS_PER_SECOND };
}

interface Measured {
  readonly targets: readonly Target[];
  readonly runs: readonly RunRecord[];
}

/** Starts the engine and targets, runs the matrix, stops everything. Progress goes to stderr. */
async function measureAll(
  o: ProxyBenchOptions,
  group: ProcessGroup,
  tools: Tools,
): Promise<Measured> {
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'collie-bench-proxy-'));
  group.onCleanup(() => fs.rmSync(tmpDir, { recursive: true, force: true }));
  const scriptPath = writeWrkScript(tmpDir, 'chat.lua', WORKLOAD);
  process.stderr.write(`starting engine (${o.engine}) and targets: ${o.targets.join(', ')}…\n`);
  const { engine, targets } = await startTargets(group, o, { nginxPath: tools.nginxPath, tmpDir });
  const ctx = {
    group,
    options: o,
    wrkPath: tools.wrkPath,
    scriptPath,
    enginePid: engine.child.pid,
  };
  const runs = await runMatrix(ctx, targets, (r) => process.stderr.write(progressLine(r, o)));
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
  const warnings = findWarnings(summary, m.runs, machine.cpus, o.threads + 1 + maxProcs);
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
    method: methodNotes(o, CLOCK_TICKS_PER_SECOND),
    summary,
    warnings,
    runs: m.runs,
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
