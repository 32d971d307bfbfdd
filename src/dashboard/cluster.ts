import type { Mesh } from '../ha/mesh';
import type { ClusterView } from './types';
import { ratio } from './fleet';

/**
 * The cluster as this instance sees it (--redis-url): the live nodes with the age of their
 * last heartbeat (each beat re-arms the node key's TTL of five periods, so age = TTL − PTTL),
 * and the global rate limit with this second's admissions. Redis away: the last node list,
 * ages unknown, the limit as last read.
 */
export async function clusterView(mesh: Mesh): Promise<ClusterView> {
  const health = mesh.health();
  const [nodes, limit, count] = await Promise.all([
    mesh.nodes(),
    mesh.getRateLimit().catch(() => undefined),
    mesh.currentCount().catch(() => 0),
  ]);
  const ttl = mesh.heartbeatMs * 5;
  const pttls = health.connected
    ? await Promise.all(nodes.map((n) => mesh.client.pttl(mesh.keys.node(n.name)).catch(() => -2)))
    : nodes.map(() => -2);
  return {
    node: mesh.name,
    redis_connected: health.connected,
    nodes: nodes.map((n, i) => {
      const left = pttls[i] ?? -2;
      return {
        name: n.name,
        address: n.address,
        status: n.status,
        version: n.version,
        heartbeat_age_ms: left >= 0 ? Math.max(0, ttl - left) : null,
        self: n.name === mesh.name,
      };
    }),
    global_limit: {
      limit_per_second: limit ?? null,
      current_count: count,
      utilization: limit !== undefined ? ratio(count, limit) : null,
    },
  };
}
