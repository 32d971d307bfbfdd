import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Counter, Histogram, Registry } from 'prom-client';
import { boundCounter, boundHistogram } from '../../../src/metrics/bound';

/** Two registries fed the same events, one through bound series, one through plain calls. */
async function exposition(
  feed: (c: Counter<'a' | 'b'>, h: Histogram<'a'>, bound: boolean) => void,
) {
  const out: string[] = [];
  for (const bound of [true, false]) {
    const registry = new Registry();
    const c = new Counter({
      name: 'c_total',
      help: 'c',
      labelNames: ['a', 'b'],
      registers: [registry],
    });
    const h = new Histogram({
      name: 'h_seconds',
      help: 'h',
      labelNames: ['a'],
      buckets: [0.1, 1, 10],
      registers: [registry],
    });
    feed(c, h, bound);
    out.push(await registry.metrics());
  }
  return out;
}

describe('bound series (prom-client table layout pinned)', () => {
  test('a bound counter and histogram expose exactly what plain calls do', async () => {
    const values = [0.05, 0.1, 0.5, 3, 50, 0];
    const [bound, plain] = await exposition((c, h, useBound) => {
      const inc = boundCounter(c, { a: 'x', b: 'y' });
      const obs = boundHistogram(h, { a: 'x' }, [0.1, 1, 10]);
      for (const v of values) {
        if (useBound) {
          inc();
          obs(v);
        } else {
          c.inc({ a: 'x', b: 'y' });
          h.observe({ a: 'x' }, v);
        }
      }
      if (useBound) inc(5);
      else c.inc({ a: 'x', b: 'y' }, 5);
    });
    assert.equal(bound, plain);
    assert.match(bound ?? '', /c_total\{a="x",b="y"\} 11/);
    assert.match(bound ?? '', /h_seconds_bucket\{le="0.1",a="x"\} 3/);
  });

  test('a series removed or reset behind the binding is found again', async () => {
    const registry = new Registry();
    const c = new Counter({ name: 'r_total', help: 'r', labelNames: ['a'], registers: [registry] });
    const inc = boundCounter(c, { a: 'x' });
    inc();
    c.remove({ a: 'x' });
    inc();
    inc();
    assert.match(await registry.metrics(), /r_total\{a="x"\} 2/);
    c.reset();
    inc();
    assert.match(await registry.metrics(), /r_total\{a="x"\} 1/);
  });
});
