import type { Handler } from './types';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Route {
  readonly method: Method;
  /** Exact path, or a pattern with `:name` segments (e.g. /workers/:worker_id). */
  readonly path: string;
  readonly handler: Handler;
}

export type Lookup =
  | {
      readonly kind: 'found';
      readonly route: Route;
      readonly headOnly: boolean;
      readonly params: Readonly<Record<string, string>>;
    }
  | { readonly kind: 'not_found' }
  | { readonly kind: 'method_not_allowed'; readonly allow: string };

interface Pattern {
  readonly segments: readonly string[];
  readonly methods: Map<string, Route>;
}

const NO_PARAMS: Readonly<Record<string, string>> = Object.freeze({});

/**
 * Route table with SMG/axum semantics: 404 unknown path, 405 + Allow, HEAD served by GET.
 * Exact paths (every inference route) are one map lookup; `:param` patterns (control-plane
 * routes) are tried only when no exact path matches.
 */
export class RouteTable {
  private readonly byPath = new Map<string, Map<string, Route>>();
  private readonly patterns: Pattern[] = [];
  /**
   * The last exact-path hit: a gateway's traffic is mostly one route, and comparing the fresh
   * path string is cheaper than hashing it for the map. Cleared by add().
   */
  private lastMethod = '';
  private lastPath = '';
  private lastFound: Lookup | undefined;

  add(route: Route): this {
    this.lastFound = undefined;
    let m: Map<string, Route> | undefined;
    if (route.path.includes('/:')) {
      const segments = route.path.split('/');
      let p = this.patterns.find((x) => x.segments.join('/') === segments.join('/'));
      if (!p) this.patterns.push((p = { segments, methods: new Map<string, Route>() }));
      m = p.methods;
    } else {
      m = this.byPath.get(route.path);
      if (!m) this.byPath.set(route.path, (m = new Map<string, Route>()));
    }
    if (m.has(route.method)) throw new Error(`duplicate route ${route.method} ${route.path}`);
    m.set(route.method, route);
    return this;
  }

  lookup(method: string, path: string): Lookup {
    const last = this.lastFound;
    if (last !== undefined && path === this.lastPath && method === this.lastMethod) return last;
    const exact = this.byPath.get(path);
    if (exact) {
      const found = pick(exact, method, NO_PARAMS);
      if (found.kind === 'found') {
        this.lastFound = found;
        this.lastPath = path;
        this.lastMethod = method;
      }
      return found;
    }
    if (this.patterns.length === 0) return { kind: 'not_found' };
    const parts = path.split('/');
    for (const p of this.patterns) {
      const params = match(p.segments, parts);
      if (params) return pick(p.methods, method, params);
    }
    return { kind: 'not_found' };
  }
}

function match(
  segments: readonly string[],
  parts: readonly string[],
): Record<string, string> | undefined {
  if (segments.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i] as string;
    const part = parts[i] as string;
    if (seg.startsWith(':')) {
      if (part === '') return undefined;
      try {
        params[seg.slice(1)] = decodeURIComponent(part);
      } catch {
        params[seg.slice(1)] = part;
      }
    } else if (seg !== part) return undefined;
  }
  return params;
}

function pick(
  m: Map<string, Route>,
  method: string,
  params: Readonly<Record<string, string>>,
): Lookup {
  const direct = m.get(method);
  if (direct) return { kind: 'found', route: direct, headOnly: false, params };
  if (method === 'HEAD') {
    const get = m.get('GET');
    if (get) return { kind: 'found', route: get, headOnly: true, params };
  }
  const allow = [...m.keys()];
  if (m.has('GET')) allow.push('HEAD');
  return { kind: 'method_not_allowed', allow: allow.join(',') };
}
