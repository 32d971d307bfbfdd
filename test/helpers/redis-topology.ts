/**
 * The state bus over a real redis-server, as a contract-test topology: participants join with
 * their own connections under a fresh key prefix; settle() is a barrier over RedisBus.drain().
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { StateBus } from '../../src/state/bus';
import { createRedisBus, type RedisBus } from '../../src/state/redis-bus';

export interface Topology {
  /** The control-plane participant (primary). */
  primary: StateBus;
  /** Adds an ingress participant. */
  join(id: string): Promise<StateBus>;
  /** Removes a participant as if its process exited. */
  leave(bus: StateBus): void;
  /** Kills a participant without goodbye (only where that can be told apart from leave). */
  crash?: (bus: StateBus) => void;
  /** Waits until every live participant has seen everything published so far. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

let topologies = 0;

export async function redisTopology(url: string): Promise<Topology> {
  const keyPrefix = `collie:v1:contract-${process.pid}-${++topologies}`;
  const all: RedisBus[] = [];
  const live = new Map<string, RedisBus>();
  const leaving: Array<Promise<void>> = [];
  const clients = new Map<string, Redis[]>();
  async function join(id: string): Promise<RedisBus> {
    const own: Redis[] = [];
    clients.set(id, own);
    const bus = await createRedisBus({
      url,
      id,
      keyPrefix,
      heartbeatMs: 100,
      maxBackoffMs: 100,
      createClient(u: string, o: RedisOptions) {
        const c = new Redis(u, o);
        own.push(c);
        return c;
      },
    });
    all.push(bus);
    live.set(id, bus);
    return bus;
  }
  const primary = await join('primary');
  return {
    primary,
    join,
    leave(b) {
      const bus = live.get(b.id);
      live.delete(b.id);
      if (bus) leaving.push(bus.shutdown());
      else b.close();
    },
    crash(b) {
      live.delete(b.id);
      for (const c of clients.get(b.id) ?? []) c.disconnect();
    },
    async settle() {
      // Let load trackers' publish timers (1 ms) fire, then a two-round barrier.
      await new Promise((r) => setTimeout(r, 10));
      await Promise.all(leaving);
      for (let round = 0; round < 2; round++) {
        await Promise.all([...live.values()].map((b) => b.drain()));
      }
    },
    async close() {
      await Promise.all(all.map((b) => b.shutdown()));
    },
  };
}
