import path from 'node:path';
import type * as UwsTypes from '@trufflesuite/uws-js-unofficial';

export type Uws = typeof UwsTypes;
export type HttpResponse = UwsTypes.HttpResponse;
export type HttpRequest = UwsTypes.HttpRequest;
export type TemplatedApp = UwsTypes.TemplatedApp;
export type ListenSocket = UwsTypes.us_listen_socket;

let loaded: Uws | undefined;

/**
 * Loads the native uWebSockets.js binary for this Node ABI directly. The package's own
 * entry point silently falls back to a slow pure-JS implementation when the binary does
 * not load; collie refuses to start instead.
 */
export function loadUws(): Uws {
  if (loaded) return loaded;
  const pkgDir = path.dirname(require.resolve('@trufflesuite/uws-js-unofficial/package.json'));
  const file = path.join(
    pkgDir,
    'binaries',
    `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`,
  );
  let mod: Uws;
  try {
    mod = require(file) as Uws; // eslint-disable-line @typescript-eslint/no-require-imports
  } catch (err) {
    throw new Error(
      `collie: the native uWebSockets.js binary did not load (${file}): ${(err as Error).message}. ` +
        'Refusing to run on the slow JS fallback.',
      { cause: err },
    );
  }
  if (typeof mod.App !== 'function' || typeof mod.us_socket_local_port !== 'function') {
    throw new Error(`collie: ${file} is not the native uWebSockets.js module`);
  }
  loaded = mod;
  return mod;
}
