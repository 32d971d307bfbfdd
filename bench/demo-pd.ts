/**
 * `npm run demo:pd`: prefill/decode disaggregation on one machine — 2 prefill + 2 decode mock
 * engines (in this process) and a collie gateway in PD mode in front of them (cache-aware on
 * prefill, power_of_two on decode), then ready-to-paste curl commands, each checked once.
 * Runs until Ctrl-C, then stops everything it started.
 *
 * Env: COLLIE_DEMO_PORT (gateway port, default 30000), COLLIE_DEMO_PROTOCOL (sglang | vllm,
 * default sglang), COLLIE_DEMO_LOG_LEVEL (gateway, default info).
 */
import { isPortFree } from './lib/free-port';
import { startGateway } from './lib/collie';
import { httpRequest } from './lib/http';
import { createProcessGroup, describeExit, installExitHandlers } from './lib/processes';
import type { ProcessGroup } from './lib/processes';
import { startMockEngine, type MockEngine } from '../src/mock-engine';

const MODEL = 'mock-model';

interface Example {
  readonly title: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: unknown;
  readonly curlFlags: string;
}

function examples(protocol: string): Example[] {
  const chat = (content: string, extra: Record<string, unknown>): unknown => ({
    model: MODEL,
    messages: [{ role: 'user', content }],
    ...extra,
  });
  return [
    {
      title: 'chat completion through a (prefill, decode) pair',
      method: 'POST',
      path: '/v1/chat/completions',
      body: chat('Hello', { max_tokens: 16 }),
      curlFlags: '-si',
    },
    {
      title: 'streamed (the decode engine streams once the KV arrived)',
      method: 'POST',
      path: '/v1/chat/completions',
      body: chat('Tell me a story', { max_tokens: 32, stream: true }),
      curlFlags: '-N',
    },
    ...(protocol === 'vllm' ? [] : [generateExample()]),
  ];
}

function generateExample(): Example {
  return {
    title: 'SGLang /generate with prompt logprobs merged from the prefill engine',
    method: 'POST',
    path: '/generate',
    body: { text: 'Hello there', return_logprob: true, sampling_params: { max_new_tokens: 4 } },
    curlFlags: '-s',
  };
}

function otherExamples(): Example[] {
  return [
    {
      title: 'health of one selected pair',
      method: 'GET',
      path: '/health_generate',
      curlFlags: '-s',
    },
    {
      title: 'the workers, with worker_type and bootstrap_port',
      method: 'GET',
      path: '/workers',
      curlFlags: '-s',
    },
    {
      title: 'a route PD mode does not serve (501, as SMG)',
      method: 'POST',
      path: '/v1/embeddings',
      body: { model: MODEL, input: 'x' },
      curlFlags: '-si',
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

async function check(base: string, e: Example): Promise<string> {
  try {
    const res = await httpRequest(base + e.path, {
      method: e.method,
      headers: { 'content-type': 'application/json' },
      timeoutMs: 30_000,
      ...(e.body !== undefined ? { body: JSON.stringify(e.body) } : {}),
    });
    return `HTTP ${res.status}`;
  } catch (err) {
    return `failed: ${err instanceof Error ? err.message : String(err)}`;
  }
}

async function run(group: ProcessGroup, engines: MockEngine[]): Promise<void> {
  const port = Number(process.env['COLLIE_DEMO_PORT'] ?? 30000);
  const protocol = process.env['COLLIE_DEMO_PROTOCOL'] ?? 'sglang';
  if (protocol !== 'sglang' && protocol !== 'vllm') {
    throw new Error(`COLLIE_DEMO_PROTOCOL must be sglang or vllm, got "${protocol}"`);
  }
  if (!(await isPortFree(port))) {
    throw new Error(`127.0.0.1:${port} is in use; set COLLIE_DEMO_PORT to another port`);
  }
  const common = {
    host: '127.0.0.1',
    tokenDelayMs: 40,
    prefillTokensPerSec: 4000,
    kvTransferTokensPerSec: 20000,
    runtime: protocol,
  } as const;
  for (const role of ['prefill', 'prefill', 'decode', 'decode'] as const) {
    engines.push(await startMockEngine({ ...common, role }));
  }
  const prefill = engines.filter((e) => e.bootstrapPort !== undefined);
  const decode = engines.filter((e) => e.bootstrapPort === undefined);
  const gateway = await startGateway(group, {
    name: 'collie',
    port,
    workerUrls: [],
    workers: 2,
    logLevel: process.env['COLLIE_DEMO_LOG_LEVEL'] ?? 'info',
    echo: true,
    extraArgs: [
      '--pd-disaggregation',
      ...prefill.flatMap((e) => ['--prefill', e.url, String(e.bootstrapPort)]),
      ...decode.flatMap((e) => ['--decode', e.url]),
      ...['--prefill-policy', 'cache_aware', '--decode-policy', 'power_of_two'],
      ...['--pd-protocol', protocol],
    ],
  });
  const base = gateway.url;
  const list = [...examples(protocol), ...otherExamples()];
  const statuses = await Promise.all(list.map((e) => check(base, e)));
  const lines = [
    '',
    `collie is ready on ${base} in PD mode (${protocol}; cache_aware prefill, power_of_two decode):`,
    ...prefill.map((e, i) => `  prefill-${i + 1}: ${e.url} (KV bootstrap port ${e.bootstrapPort})`),
    ...decode.map((e, i) => `  decode-${i + 1}:  ${e.url}`),
    '',
    ...list.flatMap((e, i) => [
      `# ${e.title}  [checked: ${statuses[i] ?? '?'}]`,
      curlLine(base, e),
      '',
    ]),
    'Response headers x-collie-prefill-worker / x-collie-decode-worker name the pair.',
    'Ctrl-C stops the gateway and the four engines.',
    '',
  ];
  process.stdout.write(lines.join('\n'));
  const info = await gateway.child.exited;
  throw new Error(describeExit(gateway.child, info));
}

function main(): void {
  const group = createProcessGroup();
  const engines: MockEngine[] = [];
  const exit = installExitHandlers(group);
  const closeEngines = (): Promise<unknown> => Promise.allSettled(engines.map((e) => e.close()));
  process.once('exit', () => void closeEngines());
  void run(group, engines).catch(async (err: unknown) => {
    if (exit.signalled()) return;
    process.stderr.write(`demo:pd failed: ${err instanceof Error ? err.message : String(err)}\n`);
    await group.stopAll(2000);
    await closeEngines();
    process.exit(1);
  });
}

main();
