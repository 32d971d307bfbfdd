import type { RedisClient } from '../state/redis-client';
import { runScript } from '../state/redis-scripts';
import type { HaKeys } from './keys';
import { CLAIM_NODE, LEAVE_NODE } from './scripts';

/** One instance as /ha/status lists it. */
export interface NodeInfo {
  readonly name: string;
  /** host:port the instance serves on. */
  readonly address: string;
  /** 'Alive', or 'Leaving' while it drains after /ha/shutdown or a signal. */
  readonly status: 'Alive' | 'Leaving';
  /** collie's version. */
  readonly version: string;
}

/** Thrown at startup when the node name belongs to another live instance. */
export class NodeNameTaken extends Error {}

export interface Membership {
  /** Claims the name (throws NodeNameTaken) and starts heartbeats. */
  join(): Promise<void>;
  /** Refreshes the claim now (also called by the heartbeat timer and after a reconnect). */
  beat(): Promise<void>;
  /** Live nodes, read from Redis; dead names are reaped on the way. */
  list(): Promise<NodeInfo[]>;
  /** The last list read (this node alone before the first read). */
  cached(): readonly NodeInfo[];
  setStatus(status: NodeInfo['status']): void;
  /** Leaves at once (the others stop listing it) and stops the heartbeat. */
  leave(): Promise<void>;
  /** Set when another instance took this name while Redis was away (logged). */
  readonly conflict: string | undefined;
}

export interface MembershipDeps {
  readonly client: RedisClient;
  readonly keys: HaKeys;
  readonly instanceId: string;
  readonly self: Omit<NodeInfo, 'status'>;
  /** Heartbeat period, ms; a node whose beats stop is gone after `ttlMs`. */
  readonly heartbeatMs: number;
  readonly ttlMs: number;
  readonly onError: (err: unknown) => void;
  readonly onConflict: (owner: string) => void;
}

/**
 * Membership through Redis: each instance holds `node:<name>` with a TTL and refreshes it
 * every heartbeat; a killed instance disappears when the key expires (ttl), a stopped one
 * deletes it at once. The name is claimed atomically, so two live instances never share one.
 */
export function createMembership(d: MembershipDeps): Membership {
  const { client, keys } = d;
  let status: NodeInfo['status'] = 'Alive';
  let timer: NodeJS.Timeout | undefined;
  let left = false;
  let conflict: string | undefined;
  let last: NodeInfo[] = [{ ...d.self, status }];
  const claimArgs = (): string[] => [
    d.instanceId,
    JSON.stringify({ ...d.self, status }),
    String(d.ttlMs),
    d.self.name,
  ];
  const nodeKeys = [keys.node(d.self.name), keys.nodes];

  async function claim(): Promise<string> {
    return String(await runScript(client, CLAIM_NODE, nodeKeys, claimArgs()));
  }

  async function beat(): Promise<void> {
    if (left || client.status !== 'ready') return;
    const r = await claim();
    if (r !== 'ok') {
      if (conflict !== r) d.onConflict(r);
      conflict = r;
    } else conflict = undefined;
    await list();
  }

  async function list(): Promise<NodeInfo[]> {
    const names = await client.smembers(keys.nodes);
    if (names.length === 0) return (last = []);
    const infos = await Promise.all(names.map((n) => client.hget(keys.node(n), 'info')));
    const out: NodeInfo[] = [];
    const dead: string[] = [];
    infos.forEach((raw, i) => {
      const info = raw === null ? undefined : parseInfo(raw);
      if (info) out.push(info);
      else dead.push(names[i] as string);
    });
    // a name whose key expired died without leaving; a racing re-claim re-adds it
    if (dead.length > 0) await client.srem(keys.nodes, ...dead);
    out.sort((a, b) => a.name.localeCompare(b.name));
    return (last = out);
  }

  return {
    async join() {
      if (client.status === 'ready') {
        const r = await claim();
        if (r !== 'ok') {
          throw new NodeNameTaken(
            `--mesh-server-name '${d.self.name}' is already used by a live instance (instance ${r}); choose another name or wait ${Math.ceil(d.ttlMs / 1000)} s for a dead one to expire`,
          );
        }
        await list().catch(d.onError);
      }
      timer = setInterval(() => void beat().catch(d.onError), d.heartbeatMs);
      timer.unref();
    },
    beat,
    list,
    cached: () => last,
    setStatus(s) {
      status = s;
      void beat().catch(d.onError);
    },
    async leave() {
      if (left) return;
      left = true;
      if (timer) clearInterval(timer);
      if (client.status !== 'ready') return;
      await runScript(client, LEAVE_NODE, nodeKeys, claimArgs());
    },
    get conflict() {
      return conflict;
    },
  };
}

function parseInfo(raw: string): NodeInfo | undefined {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  const { name, address, status, version } = o;
  if (typeof name !== 'string' || typeof address !== 'string' || typeof version !== 'string') {
    return undefined;
  }
  return { name, address, version, status: status === 'Leaving' ? 'Leaving' : 'Alive' };
}
