import fs from 'node:fs';
import path from 'node:path';
import { selectUws, uwsCandidates, type UwsCandidate } from './uws-select';
import type * as UwsTypes from '@trufflesuite/uws-js-unofficial';

export type Uws = typeof UwsTypes;
export type HttpResponse = UwsTypes.HttpResponse;
export type HttpRequest = UwsTypes.HttpRequest;
export type TemplatedApp = UwsTypes.TemplatedApp;
export type ListenSocket = UwsTypes.us_listen_socket;

let loaded: Uws | undefined;

/** Which binary was loaded and from where (for the startup log and `--version-verbose`). */
export let uwsSource: UwsCandidate | undefined;

/**
 * Loads the native uWebSockets.js binary for this Node ABI directly (see uws-select.ts for the
 * order: COLLIE_UWS_PATH, the official package, the bundled unofficial one). The packages' own
 * entry points silently fall back to a slow pure-JS implementation when the binary does not
 * load; collie refuses to start instead.
 */
export function loadUws(): Uws {
  if (loaded) return loaded;
  const platform = {
    platform: process.platform,
    arch: process.arch,
    abi: process.versions.modules,
  };
  const candidates = uwsCandidates({
    env: process.env,
    platform,
    resolvePackageDir,
    exists: (file) => fs.existsSync(file),
  });
  const choice = selectUws<Uws>(candidates, (file) => require(file) as unknown, platform); // eslint-disable-line @typescript-eslint/no-require-imports
  uwsSource = choice.candidate;
  loaded = choice.module;
  return loaded;
}

function resolvePackageDir(name: string): string | undefined {
  try {
    return path.dirname(require.resolve(`${name}/package.json`));
  } catch {
    return undefined;
  }
}
