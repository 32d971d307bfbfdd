import type { RedisClient } from './redis-client';
import type { RedisBusKeys } from './redis-codec';
import { reap } from './redis-reader';

/**
 * Liveness over Redis. Every `heartbeatMs` a participant sets its key `alive:<id>` with a TTL
 * of `ttlMs` and checks the keys of the peers whose load reports it counts; a peer whose key
 * expired died without saying goodbye (crash, kill -9, network partition): it is announced
 * with a synthetic peer-down and its load vector is removed from the snapshot.
 *
 * If our own key had expired while we were connected (a long event-loop stall), peers have
 * dropped our reports, so `onRevived` asks for a resync.
 */
export interface Heartbeat {
  /**
   * Beats now. `reconnected`: called on a fresh connection, which resyncs anyway, so a
   * missing key is expected and not reported as revived.
   */
  beat(reconnected?: boolean): void;
  stop(): void;
}

export interface HeartbeatDeps {
  readonly client: RedisClient;
  readonly keys: RedisBusKeys;
  readonly id: string;
  readonly heartbeatMs: number;
  readonly ttlMs: number;
  knownPeers(): string[];
  /** False until this participant's view is trustworthy (synced for at least one TTL). */
  canReap(): boolean;
  onDead(ids: readonly string[]): void;
  onRevived(): void;
  readonly onError: (err: unknown) => void;
}

export function startHeartbeat(deps: HeartbeatDeps): Heartbeat {
  const { client, keys, id } = deps;
  let beaten = false;
  let stopped = false;
  const timer = setInterval(() => beat(), deps.heartbeatMs);
  timer.unref();

  function beat(reconnected = false): void {
    if (stopped || client.status !== 'ready') return;
    if (reconnected) beaten = false;
    client.set(keys.alive(id), String(Date.now()), 'PX', deps.ttlMs, 'GET').then((prev) => {
      if (prev === null && beaten && !stopped) deps.onRevived();
      beaten = true;
    }, deps.onError);
    const peers = deps.knownPeers();
    if (peers.length === 0 || !deps.canReap()) return;
    reap(client, keys, peers).then((dead) => {
      if (dead.length > 0 && !stopped) deps.onDead(dead);
    }, deps.onError);
  }

  return {
    beat,
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
