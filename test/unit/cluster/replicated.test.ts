/**
 * The replication contract, one suite over every transport of primary-owned state: pull
 * (a `sync` op over the RPC transport, as the tokenizer registry does) and push (the state
 * bus, as the worker registry does, on the in-memory hub and on the primary's IPC relay).
 * Transport-free details of Replicated and Replica follow.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  pollSource,
  Replica,
  Replicated,
  syncHandler,
  type SyncRequest,
  type Versioned,
} from '../../../src/cluster/replicated';
import {
  createIpcRpcClient,
  createRpcServer,
  serveRpc,
  type PayloadGuard,
} from '../../../src/cluster/rpc';
import { publishRegistry, registrySource } from '../../../src/core/registry';
import type { Worker } from '../../../src/core/worker';
import { createMemoryHub } from '../../../src/state/memory-bus';
import { createIpcBus, createIpcHub } from '../../../src/state/ipc-bus';
import type { StateBus } from '../../../src/state/bus';
import { makeWorkers } from '../policies/fixtures';
import { channelPair } from './channel-pair';

type Fleet = readonly Worker[];

interface Harness {
  readonly primary: Replicated<Fleet>;
  /** A new ingress-side replica. */
  join(): Replica<Fleet>;
  /** Push transports: a stale snapshot sent down the transport itself. */
  sendStale?(s: Versioned<Fleet>): void;
  close(): void;
}

type SyncOps = { sync: { payload: SyncRequest; result: Versioned<Fleet> } };
const anySync: PayloadGuard<SyncRequest> = {
  is: (v): v is SyncRequest => typeof v === 'object' && v !== null,
  why: () => 'not an object',
};

function pullOverRpc(): Harness {
  const primary = new Replicated<Fleet>([]);
  const server = createRpcServer<SyncOps>({ sync: syncHandler(primary) }, { sync: anySync });
  const clients: Array<{ close(): void }> = [];
  const replicas: Array<Replica<Fleet>> = [];
  return {
    primary,
    join() {
      const [ingress, primarySide] = channelPair();
      serveRpc(primarySide, `ingress-${clients.length}`, server);
      const client = createIpcRpcClient<SyncOps>(ingress);
      clients.push(client);
      const r = new Replica(pollSource((req, ms) => client.call('sync', req, ms)));
      replicas.push(r);
      return r;
    },
    close() {
      for (const r of replicas) r.close();
      primary.close(); // answers the pending watches
      for (const c of clients) c.close();
    },
  };
}

function pushOverBus(
  primaryBus: StateBus,
  join: (id: string) => StateBus,
): Omit<Harness, 'close'> & { buses: StateBus[] } {
  const primary = new Replicated<Fleet>([]);
  publishRegistry(primary, primaryBus);
  const buses: StateBus[] = [];
  return {
    primary,
    buses,
    join() {
      const bus = join(`ingress-${buses.length}`);
      buses.push(bus);
      return new Replica(registrySource(bus));
    },
    sendStale: (s) => primaryBus.publish({ t: 'registry', version: s.version, workers: s.value }),
  };
}

const TRANSPORTS: Record<string, () => Harness> = {
  'pull: sync op over the RPC transport': pullOverRpc,
  'push: state bus, in-memory hub': () => {
    const hub = createMemoryHub();
    const h = pushOverBus(hub.join('primary'), (id) => hub.join(id));
    return { ...h, close: () => h.buses.forEach((b) => b.close()) };
  },
  'push: state bus, primary IPC relay': () => {
    const hub = createIpcHub('primary');
    const h = pushOverBus(hub.local, (id) => {
      const [child, primarySide] = channelPair();
      const bus = createIpcBus(id, child); // attached before the hub replays to it
      hub.addPeer(id, primarySide);
      return bus;
    });
    return { ...h, close: () => h.buses.forEach((b) => b.close()) };
  },
};

/** Resolves once the replica holds `version` or newer (woken by its change events). */
function reached<T>(r: Replica<T>, version: number): Promise<void> {
  if (r.version >= version) return Promise.resolve();
  return new Promise((resolve) => {
    const off = r.onChange((_, v) => {
      if (v < version) return;
      off();
      resolve();
    });
  });
}

const ids = (fleet: Fleet | undefined): string[] => (fleet ?? []).map((w) => w.id);

for (const [name, make] of Object.entries(TRANSPORTS)) {
  describe(`replication contract: ${name}`, () => {
    test('a replica syncs to the initial snapshot (version 1, empty)', async () => {
      const h = make();
      const r = h.join();
      await r.synced();
      assert.equal(r.version, 1);
      assert.deepEqual(r.value, []);
      h.close();
    });

    test('newer versions win, in order, each applied once', async () => {
      const h = make();
      const r = h.join();
      const versions: number[] = [];
      r.onChange((_, v) => versions.push(v));
      await r.synced();
      h.primary.set(makeWorkers(1));
      h.primary.set(makeWorkers(2));
      await reached(r, 3);
      assert.equal(r.version, 3);
      assert.deepEqual(ids(r.value), ['w0', 'w1']);
      // a pull may skip a version it never saw; no version is applied twice or backwards
      assert.deepEqual(
        versions,
        [...new Set(versions)].sort((a, b) => a - b),
      );
      assert.equal(versions.at(-1), 3);
      h.close();
    });

    test('older and equal versions are ignored', async () => {
      const h = make();
      const r = h.join();
      h.primary.set(makeWorkers(1));
      h.primary.set(makeWorkers(3));
      await reached(r, 3);
      assert.equal(r.apply({ version: 2, value: makeWorkers(1) }), false);
      assert.equal(r.apply({ version: 3, value: [] }), false);
      if (h.sendStale) {
        h.sendStale({ version: 1, value: [] });
        h.primary.set(makeWorkers(4)); // delivered after the stale one
        await reached(r, 4);
      }
      assert.deepEqual(ids(r.value), h.sendStale ? ['w0', 'w1', 'w2', 'w3'] : ['w0', 'w1', 'w2']);
      h.close();
    });

    test('a late joiner starts from the current snapshot', async () => {
      const h = make();
      const early = h.join();
      for (let n = 1; n <= 3; n++) h.primary.set(makeWorkers(n));
      await reached(early, 4);
      const late = h.join();
      await late.synced();
      assert.equal(late.version, 4);
      assert.deepEqual(ids(late.value), ['w0', 'w1', 'w2']);
      const seen: number[] = [];
      late.onChange((_, v) => seen.push(v)); // a listener added now gets the current value
      assert.deepEqual(seen, [4]);
      h.close();
    });

    test('a restarted replica converges on what the others hold', async () => {
      const h = make();
      const first = h.join();
      await first.synced();
      first.close();
      h.primary.set(makeWorkers(2));
      const other = h.join();
      await reached(other, 2);
      const again = h.join();
      await again.synced();
      assert.equal(again.version, 2);
      assert.deepEqual(ids(again.value), ids(other.value));
      assert.equal(first.version, 1, 'a closed replica applies nothing');
      h.close();
    });
  });
}

describe('Replicated (primary side)', () => {
  test('a watch answers at once when behind, on change, on peerGone, after watchMs, on close', async () => {
    const s = new Replicated<number>(0, { watchMs: 20 });
    assert.deepEqual(await s.watch(0), { version: 1, value: 0 });
    const onChange = s.watch(1, 'a');
    s.set(7);
    assert.deepEqual(await onChange, { version: 2, value: 7 });
    const gone = s.watch(2, 'b');
    s.peerGone('b');
    assert.equal((await gone).version, 2);
    const keepAlive = setTimeout(() => undefined, 1000); // watch timers are unref'd
    assert.equal((await s.watch(2)).version, 2);
    clearTimeout(keepAlive);
    const pending = s.watch(2);
    s.close();
    assert.equal((await pending).version, 2);
    assert.equal((await s.watch(2)).version, 2, 'closed: at once');
  });

  test('subscribe pushes the current snapshot, then every newer one', () => {
    const s = new Replicated<string>('a');
    const got: Array<Versioned<string>> = [];
    const off = s.subscribe((v) => got.push(v));
    s.set('b');
    off();
    s.set('c');
    assert.deepEqual(got, [
      { version: 1, value: 'a' },
      { version: 2, value: 'b' },
    ]);
  });
});

describe('Replica (ingress side)', () => {
  test('a failed watch is retried; the replica catches up', async () => {
    const s = new Replicated<string>('a');
    const keepAlive = setTimeout(() => undefined, 1000); // retry timers are unref'd
    let failures = 2;
    const r = new Replica<string>(
      {
        watch: (since) =>
          failures-- > 0 ? Promise.reject(new Error('primary busy')) : s.watch(since),
      },
      { retryMs: 1 },
    );
    await r.synced();
    assert.equal(r.value, 'a');
    s.set('b');
    await reached(r, 2);
    assert.equal(r.value, 'b');
    r.close();
    s.close();
    clearTimeout(keepAlive);
  });

  test('a fetch-only source is fetched at start; refresh() shares one fetch', async () => {
    const s = new Replicated<string>('a');
    let fetches = 0;
    const r = new Replica<string>({
      fetch: () => {
        fetches++;
        return Promise.resolve(s.snapshot());
      },
    });
    await r.synced();
    assert.equal(fetches, 1);
    s.set('b');
    await Promise.all([r.refresh(), r.refresh()]);
    assert.equal(fetches, 2);
    assert.equal(r.value, 'b');
  });

  test('a snapshot without a valid version is ignored', () => {
    const r = new Replica<string>({});
    assert.equal(r.apply({ version: Number.NaN, value: 'x' }), false);
    assert.equal(r.apply({ version: 1.5, value: 'x' }), false);
    assert.equal(r.version, 0);
  });
});
