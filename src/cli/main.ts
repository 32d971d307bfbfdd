import { parseLaunchArgs, launchHelp, ConfigError } from '../config/parse';
import { createLogger } from '../util/logger';
import { startSingleProcess, type Gateway } from '../cluster/single';
import { startPrimary } from '../cluster/primary';
import { loadUws, uwsSource } from '../server/uws';
import { mockEngineCommand } from '../mock-engine';
import { packageVersion } from '../util/version';

const USAGE = `Usage: collie <command> [flags]

Commands:
  launch (alias: start)   run the gateway (default when the first argument is a flag)
  mock-engine             run one or more fake SGLang/OpenAI engines (tests, demo, benchmarks)

Run 'collie launch --help' or 'collie mock-engine --help' for the flags.`;

const version = packageVersion;

/** SMG's `--version` line: "<project> <version>". */
function versionLine(): string {
  return `collie ${version()}`;
}

/** SMG's `--version-verbose`: the version line, then build, runtime and platform details. */
function verboseVersion(): string {
  const v = process.versions;
  return [
    versionLine(),
    '',
    'Build Information:',
    `  Platform: ${process.platform}-${process.arch}`,
    '',
    'Runtime:',
    `  Node.js ${v.node} (V8 ${v.v8}, N-API ${v.napi ?? 'unknown'})`,
    `  undici ${(require('undici/package.json') as { version: string }).version}`, // eslint-disable-line @typescript-eslint/no-require-imports
    `  uWebSockets.js: ${uwsLine()}`,
  ].join('\n');
}

function uwsLine(): string {
  try {
    loadUws();
    return uwsSource ? `${uwsSource.source} (${uwsSource.file})` : 'unknown';
  } catch (err) {
    return `not loadable: ${(err as Error).message}`;
  }
}

/** `--version`/`-V`/`--version-verbose` anywhere in the launch flags print and exit, as SMG. */
function versionRequest(argv: readonly string[]): string | undefined {
  if (argv.includes('--version-verbose')) return verboseVersion();
  if (argv.includes('--version') || argv.includes('-V')) return versionLine();
  return undefined;
}

async function launch(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(launchHelp() + '\n');
    return;
  }
  const versionText = versionRequest(argv);
  if (versionText !== undefined) {
    process.stdout.write(versionText + '\n');
    return;
  }
  const config = parseLaunchArgs(argv);
  loadUws(); // fail fast if the native binary is missing, before forking anything
  const logger = createLogger({
    level: config.logLevel,
    json: config.logJson,
    ...(config.logDir !== undefined ? { dir: config.logDir } : {}),
  });
  logger.debug({ uws: uwsSource }, 'uWebSockets.js native binary loaded');
  const gateway: Gateway =
    config.ingressProcesses === 1
      ? await startSingleProcess(config, logger)
      : await startPrimary(config, logger);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    gateway
      .close(config.shutdownGracePeriodSecs * 1000)
      .catch((err: unknown) => logger.error({ err }, 'shutdown failed'))
      .finally(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

export function main(argv: string[]): void {
  const [cmd, ...rest] = argv;
  let run: Promise<void>;
  if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    process.stdout.write(USAGE + '\n');
    return;
  } else if (cmd === '--version' || cmd === '-V' || cmd === '--version-verbose') {
    process.stdout.write((versionRequest([cmd]) ?? versionLine()) + '\n');
    return;
  } else if (cmd === 'launch' || cmd === 'start') {
    run = launch(rest);
  } else if (cmd.startsWith('--')) {
    run = launch(argv);
  } else if (cmd === 'mock-engine') {
    run = mockEngineCommand(rest);
  } else {
    process.stderr.write(`collie: unknown command '${cmd}'\n\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  run.catch((err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`collie: ${message}\n`);
    process.exit(err instanceof ConfigError ? 2 : 1);
  });
}
