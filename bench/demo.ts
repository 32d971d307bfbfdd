/**
 * `npm run demo`: two mock engines and a collie gateway in front of them on 127.0.0.1, then
 * ready-to-paste curl commands. Runs until Ctrl-C, then stops everything it started.
 *
 * Env: COLLIE_DEMO_PORT (gateway port, default 30000), COLLIE_DEMO_TOKEN_DELAY_MS (mock engine
 * delay per generated token, default 60), COLLIE_DEMO_LOG_LEVEL (gateway, default info).
 */
import { getFreePorts, isPortFree } from './lib/free-port';
import { startEngine, startGateway, type RunningServer } from './lib/collie';
import { httpRequest } from './lib/http';
import { createProcessGroup, describeExit, installExitHandlers } from './lib/processes';
import type { ProcessGroup } from './lib/processes';

const MODEL = 'mock-model';
const JSON_HEADERS = { 'content-type': 'application/json' };

interface DemoConfig {
  readonly port: number;
  readonly tokenDelayMs: number;
  readonly logLevel: string;
}

function readConfig(env: NodeJS.ProcessEnv): DemoConfig {
  const port = Number(env['COLLIE_DEMO_PORT'] ?? 30000);
  const tokenDelayMs = Number(env['COLLIE_DEMO_TOKEN_DELAY_MS'] ?? 60);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`COLLIE_DEMO_PORT must be a port number, got "${env['COLLIE_DEMO_PORT']}"`);
  }
  if (!Number.isFinite(tokenDelayMs) || tokenDelayMs < 0) {
    throw new Error(
      `COLLIE_DEMO_TOKEN_DELAY_MS must be ≥ 0, got "${env['COLLIE_DEMO_TOKEN_DELAY_MS']}"`,
    );
  }
  return { port, tokenDelayMs, logLevel: env['COLLIE_DEMO_LOG_LEVEL'] ?? 'info' };
}

/** One example request: the curl line we print and the same request for the self-check. */
interface Example {
  readonly title: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: unknown;
  /** Extra curl flags (e.g. -N for streaming). */
  readonly curlFlags: string;
}

function examples(): Example[] {
  const chat = (content: string, extra: Record<string, unknown>): unknown => ({
    model: MODEL,
    messages: [{ role: 'user', content }],
    ...extra,
  });
  return [
    {
      title: 'chat completion',
      method: 'POST',
      path: '/v1/chat/completions',
      body: chat('Hello', { max_tokens: 16 }),
      curlFlags: '-s',
    },
    {
      title: 'chat completion, streamed (SSE; -N shows tokens as they arrive)',
      method: 'POST',
      path: '/v1/chat/completions',
      body: chat('Tell me a story', { max_tokens: 32, stream: true }),
      curlFlags: '-N',
    },
    {
      title: 'SGLang /generate',
      method: 'POST',
      path: '/generate',
      body: { model: MODEL, text: 'Hello', sampling_params: { max_new_tokens: 16 } },
      curlFlags: '-s',
    },
    { title: 'models', method: 'GET', path: '/v1/models', curlFlags: '-s' },
    { title: 'readiness', method: 'GET', path: '/readiness', curlFlags: '-i' },
    {
      title: 'an error: unknown model (404 model_not_found)',
      method: 'POST',
      path: '/v1/chat/completions',
      body: { model: 'no-such-model', messages: [{ role: 'user', content: 'Hello' }] },
      curlFlags: '-i',
    },
  ];
}

function curlLine(base: string, e: Example): string {
  const body =
    e.body === undefined
      ? ''
      : ` \\\n    -H 'content-type: application/json' \\\n    -d '${JSON.stringify(e.body)}'`;
  return `curl ${e.curlFlags} ${base}${e.path}${body}`;
}

/** Sends every example once and returns its status (or the error), so the printout is checked. */
async function checkExamples(base: string, list: readonly Example[]): Promise<string[]> {
  return Promise.all(
    list.map(async (e) => {
      try {
        const res = await httpRequest(base + e.path, {
          method: e.method,
          headers: JSON_HEADERS,
          timeoutMs: 30_000,
          ...(e.body !== undefined ? { body: JSON.stringify(e.body) } : {}),
        });
        return `HTTP ${res.status}`;
      } catch (err) {
        return `failed: ${err instanceof Error ? err.message : String(err)}`;
      }
    }),
  );
}

async function startAll(group: ProcessGroup, c: DemoConfig): Promise<RunningServer[]> {
  // Else the readiness poll could succeed against whatever already listens there.
  if (!(await isPortFree(c.port))) {
    throw new Error(`127.0.0.1:${c.port} is in use; set COLLIE_DEMO_PORT to another port`);
  }
  const [p1, p2] = await getFreePorts(2);
  const engineArgs = ['--token-delay-ms', String(c.tokenDelayMs)];
  const engines = await Promise.all(
    [p1, p2].map((port, i) =>
      startEngine(group, {
        kind: 'collie',
        model: MODEL,
        name: `engine-${i + 1}`,
        extraArgs: engineArgs,
        echo: true,
        ...(port !== undefined ? { port } : {}),
      }),
    ),
  );
  const gateway = await startGateway(group, {
    name: 'collie',
    port: c.port,
    workerUrls: engines.map((e) => e.url),
    workers: 2,
    policy: 'round_robin',
    logLevel: c.logLevel,
    echo: true,
  });
  return [gateway, ...engines];
}

async function run(group: ProcessGroup): Promise<void> {
  const config = readConfig(process.env);
  const [gateway, ...engines] = await startAll(group, config);
  if (gateway === undefined) throw new Error('gateway did not start');
  const base = gateway.url;
  const list = examples();
  const statuses = await checkExamples(base, list);
  const lines = [
    '',
    `collie is ready on ${base} (2 ingress processes, round_robin) in front of:`,
    ...engines.map(
      (e, i) => `  engine-${i + 1}: ${e.url} (model ${MODEL}, ${config.tokenDelayMs} ms/token)`,
    ),
    '',
    ...list.flatMap((e, i) => [
      `# ${e.title}  [checked: ${statuses[i] ?? '?'}]`,
      curlLine(base, e),
      '',
    ]),
    'Ctrl-C stops the gateway and both engines.',
    '',
  ];
  process.stdout.write(lines.join('\n'));
  // Stay up until Ctrl-C; if a child dies on its own, say which and stop the rest.
  const first = await Promise.race(
    [gateway, ...engines].map((s) => s.child.exited.then((info) => ({ s, info }))),
  );
  throw new Error(describeExit(first.s.child, first.info));
}

function main(): void {
  const group = createProcessGroup();
  const exit = installExitHandlers(group);
  void run(group).catch(async (err: unknown) => {
    if (exit.signalled()) return; // the signal handler stops everything and exits
    process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
    await group.stopAll(2000);
    process.exit(1);
  });
}

main();
