import assert from 'node:assert/strict';
import { test } from 'node:test';
import { minClass, parsePriority } from '../../../src/priority/classes';
import {
  DEFAULT_CLASS_CONFIG,
  parsePriorityFile,
  prioritySettings,
} from '../../../src/priority/settings';
import {
  infeasibility,
  reservationsFor,
  schedulerCapacity,
  slotsAvailableTo,
} from '../../../src/priority/slots';
import { parseLaunchArgs } from '../../../src/config/parse';
import type { Worker } from '../../../src/core/worker';

test("x-smg-priority: SMG's parse (trimmed, any case; missing/empty/unknown → default)", () => {
  assert.deepEqual(parsePriority(undefined), { cls: 'default', unknown: false });
  assert.deepEqual(parsePriority(''), { cls: 'default', unknown: false });
  assert.deepEqual(parsePriority('  SyStEm\t'), { cls: 'system', unknown: false });
  assert.deepEqual(parsePriority('bulk'), { cls: 'bulk', unknown: false });
  assert.deepEqual(parsePriority('urgent'), { cls: 'default', unknown: true });
  assert.deepEqual(parsePriority('DEFAULT'), { cls: 'default', unknown: false });
  assert.equal(minClass('system', 'interactive'), 'interactive');
  assert.equal(minClass('bulk', 'system'), 'bulk');
});

test('slots available to a class subtract the unused reservations of higher classes only', () => {
  assert.equal(slotsAvailableTo([0, 0, 0, 0], [0, 0, 0, 32], 128, 0), 96);
  assert.equal(slotsAvailableTo([0, 0, 0, 0], [0, 0, 0, 32], 128, 3), 128);
  assert.equal(slotsAvailableTo([0, 0, 0, 32], [0, 0, 0, 32], 128, 0), 96);
  assert.equal(slotsAvailableTo([10, 10, 10, 10], [0, 0, 0, 0], 40, 1), 0);
  const s = prioritySettings(undefined, 'default', 32);
  // SMG defaults at 1024: system 32, interactive 256, default 103
  assert.deepEqual(reservationsFor(s, 1024), [0, 103, 256, 32]);
  assert.equal(infeasibility(s, 1024), undefined);
  assert.match(infeasibility(s, 4) ?? '', /exceeds capacity \(4\)/);
});

test('capacity: pinned by --max-concurrent-requests, else the ready workers (64 each unless reported)', () => {
  const w = (status: Worker['status'], mrr?: string) =>
    ({ status, labels: mrr ? { max_running_requests: mrr } : {} }) as unknown as Worker;
  assert.equal(schedulerCapacity(4, [w('ready', '100')]), 4);
  assert.equal(schedulerCapacity(-1, []), 1024);
  assert.equal(schedulerCapacity(-1, [w('ready', '100'), w('ready'), w('pending', '7')]), 164);
});

test('the scheduler file: class blocks replace the defaults; tenant maxima', () => {
  const f = parsePriorityFile(
    `classes:
  bulk:
    reserved_floor: 0
    queue_size: 2
    queue_timeout_secs: 1
    starvation_threshold_secs: 9
    can_preempt: false
tenant_policies:
  "auth:cron":
    max_class: system
`,
    'p.yaml',
  );
  const s = prioritySettings(f, 'interactive', 8);
  assert.equal(s.classes.bulk.queueSize, 2);
  assert.equal(s.classes.bulk.reservedPerSlot, 0);
  assert.deepEqual(s.classes.system, DEFAULT_CLASS_CONFIG.system);
  assert.deepEqual(s.tenantPolicies, { 'auth:cron': 'system' });
  assert.equal(s.defaultMaxClass, 'interactive');
  assert.deepEqual(parsePriorityFile('', 'empty.yaml'), { classes: {}, tenantPolicies: {} });
});

test('a bad scheduler file names the file, line and column', () => {
  const bad: Array<[string, RegExp]> = [
    ['classes:\n  urgent: {}\n', /p\.yaml:2:3: unknown class 'urgent'/],
    [
      'classes:\n  bulk:\n    reserved_floor: 0\n    queue_size: 1\n    queue_timeout_secs: 0\n    starvation_threshold_secs: 1\n    can_preempt: false\n',
      /p\.yaml:5:25: queue_timeout_secs must be > 0/,
    ],
    ['classes:\n  bulk:\n    reserved_floor: 1\n', /p\.yaml:3:5: missing field 'can_preempt'/],
    ['tenant_policies:\n  "auth:a": { max_class: root }\n', /max_class must be one of/],
    ['classez: {}\n', /p\.yaml:1:1: unknown field 'classez'/],
    ['classes: [\n', /p\.yaml:\d+:\d+: invalid YAML/],
  ];
  for (const [text, re] of bad) assert.throws(() => parsePriorityFile(text, 'p.yaml'), re);
});

test('flags: SMG names and defaults; the scheduler off unless enabled', () => {
  assert.equal(parseLaunchArgs([]).priority, undefined);
  const c = parseLaunchArgs(['--priority-scheduler-enabled']);
  assert.equal(c.priority?.defaultMaxClass, 'default');
  assert.equal(c.priority?.tenantMetricTopN, 32);
  assert.deepEqual(c.priority?.classes, DEFAULT_CLASS_CONFIG);
  assert.throws(
    () =>
      parseLaunchArgs([
        '--priority-scheduler-enabled',
        '--priority-scheduler-config',
        '/nope.yaml',
      ]),
    /--priority-scheduler-config: \/nope\.yaml: cannot read/,
  );
  assert.throws(
    () => parseLaunchArgs(['--priority-scheduler-default-max-class', 'root']),
    /--priority-scheduler-default-max-class/,
  );
});
