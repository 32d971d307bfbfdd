import type { RedisOptions } from 'ioredis';
import { createRedisClient, type RedisClient } from '../state/redis-client';
import { runScript, type Script } from '../state/redis-scripts';
import { DEFAULT_KEY_PREFIX } from '../state/redis-codec';
import { systemClock } from '../util/clock';
import type { Logger } from '../util/logger';
import { classOfRank, classRank, PRIORITY_CLASSES, type PriorityClass } from './classes';
import { createSchedulerCore, holdsSlot, type SchedOutcome, type SchedulerCore } from './core';
import type { SchedulerBackend } from './gate';
import type { PreemptEvent } from './service';
import type { PrioritySettings } from './settings';
import { reservationsFor } from './slots';
import { ACQUIRE, CANCEL, DECLINE, HEARTBEAT, LEAVE, RELEASE } from './redis-scripts';

export interface RedisBackendOptions {
  readonly url: string;
  /** This process's id in the cluster (no '/'). */
  readonly owner: string;
  readonly settings: PrioritySettings;
  /** The cluster's capacity as this process sees it (every instance should agree). */
  readonly capacity: () => number;
  readonly logger: Pick<Logger, 'debug' | 'warn' | 'info'>;
  readonly keyPrefix?: string;
  /** Heartbeat period, ms (default 1000); an owner silent for `ttlMs` (default 5000) is dead. */
  readonly heartbeatMs?: number;
  readonly ttlMs?: number;
  readonly createClient?: (url: string, options: RedisOptions) => RedisClient;
}

type Entry =
  | { state: 'pending' | 'held'; readonly rank: number; readonly local: boolean }
  | {
      state: 'waiting';
      readonly rank: number;
      readonly local: false;
      readonly settle: (r: SchedOutcome) => void;
    };

const TIMERS = {
  setTimeout: (cb: () => void, ms: number): unknown => setTimeout(cb, ms),
  clearTimeout: (t: unknown): void => clearTimeout(t as NodeJS.Timeout),
};

/**
 * The scheduler across every instance on one Redis (see redis-scripts.ts): each ingress
 * process is an owner with its own connection, a subscription for its grants and
 * preemption requests, and a heartbeat that keeps its slots alive and repairs drift.
 *
 * While Redis is unreachable, admissions fall back to an in-process scheduler with this
 * process's share of the capacity (capacity ÷ live owners last seen); those requests end
 * there, and the heartbeat re-syncs the Redis side when it returns.
 */
export function createRedisBackend(
  o: RedisBackendOptions,
): SchedulerBackend & { readonly connected: () => boolean } {
  const base = `${o.keyPrefix ?? DEFAULT_KEY_PREFIX}:{ha}:sched:`;
  const keys = ['leases', 'counts', 'owners', 'waiters', 'q1', 'q2', 'q3', 'q4', 'seq'].map(
    (k) => base + k,
  );
  const channel = `${base}ev:`;
  const cfg = PRIORITY_CLASSES.map((c) => o.settings.classes[c]);
  const ttlMs = o.ttlMs ?? 5000;
  const options: RedisOptions = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 2000,
    commandTimeout: 1000,
    retryStrategy: (times) => Math.min(100 * times, 1000),
  };
  const make = o.createClient ?? createRedisClient;
  const client = make(o.url, options);
  // the subscription waits forever, and subscribes once connected (and again on reconnects)
  const { commandTimeout: _unused, ...subOptions } = options;
  const sub = make(o.url, { ...subOptions, enableOfflineQueue: true });
  let lastError = '';
  const onError = (err: Error): void => {
    if (err.message !== lastError) o.logger.debug({ err }, 'priority scheduler: redis error');
    lastError = err.message;
  };
  client.on('error', onError);
  sub.on('error', onError);

  const entries = new Map<string, Entry>();
  /** Grants that arrived before their ACQUIRE's answer (two connections, any order). */
  const early = new Map<string, 'waited' | 'promoted'>();
  let owners = 1;
  let onPreempt: (e: PreemptEvent) => void = () => undefined;
  let degraded = false;
  const share = (): number => Math.max(1, Math.floor(o.capacity() / owners));
  const local: SchedulerCore = createSchedulerCore({
    settings: o.settings,
    capacity: share,
    clock: systemClock,
    timers: TIMERS,
    onPreempt: (p) => onPreempt({ ticket: p.ticket, victim: p.victim, by: p.by }),
  });

  function common(): Array<string | number> {
    const cap = o.capacity();
    const res = reservationsFor(o.settings, cap);
    return [
      cap,
      ...res,
      ...cfg.map((c) => c.starvationThresholdSecs * 1000),
      ...cfg.map((c) => (c.canPreempt ? '1' : '0')),
      channel,
    ];
  }
  const run = (s: Script, args: Array<string | number>): Promise<unknown> =>
    runScript(client, s, keys, [...common(), ...args]);
  const full = (ticket: string): string => `${o.owner}/${ticket}`;
  const quiet = (): undefined => undefined;

  function onMessage(_ch: string, msg: string): void {
    const [kind, who, victim, by] = msg.split(' ');
    const ticket = who?.slice(o.owner.length + 1) ?? '';
    if (kind === 'p') {
      onPreempt({
        ticket,
        victim: classOfRank(Number(victim) - 1),
        by: classOfRank(Number(by) - 1),
      });
      return;
    }
    granted(ticket, kind === 'P' ? 'promoted' : 'waited');
  }
  /** A grant for a ticket: its waiter goes on; a grant nobody waits for is returned. */
  function granted(ticket: string, how: 'waited' | 'promoted'): void {
    const e = entries.get(ticket);
    if (e?.state === 'waiting') e.settle(how);
    else if (e?.state === 'pending' && !e.local) early.set(ticket, how);
    else if (!e) void run(RELEASE, [full(ticket)]).catch(quiet);
  }
  sub.on('message', onMessage);
  void Promise.resolve(sub.subscribe(channel + o.owner)).catch(quiet);

  function fallback(ticket: string, cls: PriorityClass, signal: AbortSignal) {
    if (!degraded) {
      degraded = true;
      o.logger.warn({ share: share() }, 'priority scheduler: redis unreachable, admitting locally');
    }
    entries.set(ticket, { state: 'pending', rank: classRank(cls), local: true });
    return local.admit('local', ticket, cls, signal).then((r) => {
      if (holdsSlot(r)) entries.set(ticket, { state: 'held', rank: classRank(cls), local: true });
      else entries.delete(ticket);
      return r;
    });
  }

  function wait(ticket: string, rank: number, signal: AbortSignal): Promise<SchedOutcome> {
    return new Promise((resolve) => {
      let done = false;
      const settle = (r: SchedOutcome): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        if (holdsSlot(r)) entries.set(ticket, { state: 'held', rank, local: false });
        else entries.delete(ticket);
        resolve(r);
      };
      const giveUp = (why: 'timeout' | 'aborted'): void => {
        if (done) return;
        if (why === 'aborted') settle('aborted');
        run(CANCEL, [full(ticket)]).then(
          (r) => {
            if (r === 2 && why === 'timeout') settle('waited');
            else if (r === 2) void run(RELEASE, [full(ticket)]).catch(quiet);
            else settle(why);
          },
          () => settle(why),
        );
      };
      const onAbort = (): void => giveUp('aborted');
      const timer = setTimeout(() => giveUp('timeout'), (cfg[rank]?.queueTimeoutSecs ?? 60) * 1000);
      signal.addEventListener('abort', onAbort, { once: true });
      entries.set(ticket, { state: 'waiting', rank, local: false, settle });
      if (signal.aborted) onAbort(); // the client left while the ACQUIRE was on its way
    });
  }

  async function admit(
    ticket: string,
    cls: PriorityClass,
    signal: AbortSignal,
  ): Promise<SchedOutcome> {
    if (signal.aborted) return 'aborted';
    if (client.status !== 'ready') return fallback(ticket, cls, signal);
    const rank = classRank(cls);
    entries.set(ticket, { state: 'pending', rank, local: false });
    let r: unknown;
    try {
      r = await run(ACQUIRE, [o.owner, ttlMs, full(ticket), rank + 1, cfg[rank]?.queueSize ?? 0]);
    } catch {
      entries.delete(ticket); // if it did run, the next heartbeat drops it
      early.delete(ticket);
      return fallback(ticket, cls, signal);
    }
    if (degraded) {
      degraded = false;
      o.logger.info('priority scheduler: redis reachable again, admitting cluster-wide');
    }
    if (r === 1) {
      entries.set(ticket, { state: 'held', rank, local: false });
      return 'admitted';
    }
    if (r === 2) {
      entries.delete(ticket);
      return 'queue_full';
    }
    const already = early.get(ticket);
    if (already) {
      early.delete(ticket);
      entries.set(ticket, { state: 'held', rank, local: false });
      return already;
    }
    return wait(ticket, rank, signal);
  }

  async function heartbeat(): Promise<void> {
    if (client.status !== 'ready') return;
    const held: Array<string | number> = [];
    const waiting: Array<string | number> = [];
    const pending: string[] = [];
    for (const [t, e] of entries) {
      if (e.local) continue;
      if (e.state === 'held') held.push(full(t), e.rank + 1);
      else if (e.state === 'waiting') waiting.push(full(t), e.rank + 1);
      else pending.push(full(t));
    }
    const args = [o.owner, ttlMs, held.length / 2, waiting.length / 2];
    const r = (await run(HEARTBEAT, [...args, ...held, ...waiting, ...pending])) as [
      number,
      string[],
    ];
    owners = Math.max(1, Number(r[0]));
    for (const t of r[1]) granted(t.slice(o.owner.length + 1), 'waited');
  }
  const beat = setInterval(() => void heartbeat().catch(quiet), o.heartbeatMs ?? 1000);
  beat.unref();
  void heartbeat().catch(quiet);

  return {
    admit,
    connected: () => client.status === 'ready',
    release(ticket) {
      const e = entries.get(ticket);
      if (!e) return;
      entries.delete(ticket);
      if (e.local) local.release('local', ticket);
      else void run(RELEASE, [full(ticket)]).catch(quiet);
    },
    decline(ticket) {
      const e = entries.get(ticket);
      if (e?.local) local.decline('local', ticket);
      else if (e) void run(DECLINE, [full(ticket)]).catch(quiet);
    },
    listen(cb) {
      onPreempt = cb;
    },
    async close() {
      clearInterval(beat);
      local.close();
      await run(LEAVE, [o.owner]).catch(quiet);
      await Promise.all([client, sub].map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}
