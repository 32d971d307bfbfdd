/**
 * Which uWebSockets.js binary collie loads. Pure selection over injected `resolve`/`load`
 * so the rules are testable without the binaries they name.
 *
 * Order (first that loads and passes the native check wins):
 * 1. `COLLIE_UWS_PATH`: a directory holding an official uWebSockets.js build (its GitHub
 *    release, `npm i uNetworking/uWebSockets.js#v20.52.0`: files `uws_<os>_<arch>_<abi>.node`
 *    at the top level) or the unofficial package's layout (`binaries/…`). Set explicitly,
 *    it must load: a failure is an error, never a silent fallback.
 * 2. The official package `uWebSockets.js` when installed beside collie (Node 20/22/24/25,
 *    glibc ≥ 2.38).
 * 3. `@trufflesuite/uws-js-unofficial` (Node 16/18/20; works on older glibc, such as Debian 12).
 */

export interface UwsCandidate {
  /** Where it came from, for messages: 'COLLIE_UWS_PATH', 'uWebSockets.js', … */
  readonly source: string;
  /** The .node file for this platform and ABI. */
  readonly file: string;
  /** true when the operator asked for it explicitly: failing to load it is fatal. */
  readonly required: boolean;
}

export interface UwsPlatform {
  readonly platform: string;
  readonly arch: string;
  /** process.versions.modules: the Node ABI. */
  readonly abi: string;
}

export interface UwsSelectDeps {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly platform: UwsPlatform;
  /** Package directory of `name`, or undefined when it is not installed. */
  resolvePackageDir(name: string): string | undefined;
  /** true when the path exists. */
  exists(file: string): boolean;
}

export const OFFICIAL_PACKAGE = 'uWebSockets.js';
export const FALLBACK_PACKAGE = '@trufflesuite/uws-js-unofficial';

function binaryName(p: UwsPlatform): string {
  return `uws_${p.platform}_${p.arch}_${p.abi}.node`;
}

/** The candidate .node files, in the order they are tried. */
export function uwsCandidates(deps: UwsSelectDeps): UwsCandidate[] {
  const name = binaryName(deps.platform);
  const out: UwsCandidate[] = [];
  const explicit = deps.env['COLLIE_UWS_PATH'];
  if (explicit !== undefined && explicit !== '') {
    const top = `${explicit.replace(/\/+$/, '')}/${name}`;
    const nested = `${explicit.replace(/\/+$/, '')}/binaries/${name}`;
    const file = deps.exists(top) || !deps.exists(nested) ? top : nested;
    out.push({ source: 'COLLIE_UWS_PATH', file, required: true });
    return out;
  }
  const official = deps.resolvePackageDir(OFFICIAL_PACKAGE);
  if (official !== undefined) {
    out.push({ source: OFFICIAL_PACKAGE, file: `${official}/${name}`, required: false });
  }
  const fallback = deps.resolvePackageDir(FALLBACK_PACKAGE);
  if (fallback !== undefined) {
    out.push({ source: FALLBACK_PACKAGE, file: `${fallback}/binaries/${name}`, required: false });
  }
  return out;
}

/** What a loaded module must offer to count as the native uWebSockets.js. */
export function isNativeUws(mod: unknown): boolean {
  if (typeof mod !== 'object' || mod === null) return false;
  const m = mod as Record<string, unknown>;
  return typeof m['App'] === 'function' && typeof m['us_socket_local_port'] === 'function';
}

export interface UwsChoice<T> {
  readonly module: T;
  readonly candidate: UwsCandidate;
}

/**
 * Loads the first candidate that loads and passes the native check. Throws one error that
 * lists every attempt and says how to supply an official build.
 */
export function selectUws<T>(
  candidates: readonly UwsCandidate[],
  load: (file: string) => unknown,
  platform: UwsPlatform,
): UwsChoice<T> {
  const tried: string[] = [];
  for (const candidate of candidates) {
    let mod: unknown;
    try {
      mod = load(candidate.file);
    } catch (err) {
      const why = `${candidate.source}: ${candidate.file} did not load (${(err as Error).message.split('\n')[0] ?? ''})`;
      if (candidate.required) throw new Error(why, { cause: err });
      tried.push(why);
      continue;
    }
    if (isNativeUws(mod)) return { module: mod as T, candidate };
    const why = `${candidate.source}: ${candidate.file} is not the native uWebSockets.js module`;
    if (candidate.required) throw new Error(why);
    tried.push(why);
  }
  throw new Error(
    `no native uWebSockets.js binary loads for Node ${platform.abi} ABI on ` +
      `${platform.platform}-${platform.arch} (refusing the slow JS fallback).` +
      (tried.length ? ` Tried: ${tried.join('; ')}.` : '') +
      ` The bundled ${FALLBACK_PACKAGE} covers Node 16/18/20; for Node 22 and newer install an` +
      ` official build (npm i uNetworking/uWebSockets.js#v20.52.0, needs glibc >= 2.38) or set` +
      ` COLLIE_UWS_PATH to its directory.`,
  );
}
