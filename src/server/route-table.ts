import type { Handler } from './types';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Route {
  readonly method: Method;
  readonly path: string;
  readonly handler: Handler;
}

export type Lookup =
  | { readonly kind: 'found'; readonly route: Route; readonly headOnly: boolean }
  | { readonly kind: 'not_found' }
  | { readonly kind: 'method_not_allowed'; readonly allow: string };

/** Exact-path route table with SMG/axum semantics: 404 unknown path, 405 + Allow, HEAD on GET. */
export class RouteTable {
  private readonly byPath = new Map<string, Map<string, Route>>();

  add(route: Route): this {
    let m = this.byPath.get(route.path);
    if (!m) this.byPath.set(route.path, (m = new Map<string, Route>()));
    if (m.has(route.method)) throw new Error(`duplicate route ${route.method} ${route.path}`);
    m.set(route.method, route);
    return this;
  }

  lookup(method: string, path: string): Lookup {
    const m = this.byPath.get(path);
    if (!m) return { kind: 'not_found' };
    const direct = m.get(method);
    if (direct) return { kind: 'found', route: direct, headOnly: false };
    if (method === 'HEAD') {
      const get = m.get('GET');
      if (get) return { kind: 'found', route: get, headOnly: true };
    }
    const allow = [...m.keys()];
    if (m.has('GET')) allow.push('HEAD');
    return { kind: 'method_not_allowed', allow: allow.join(',') };
  }
}
