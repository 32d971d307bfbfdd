import { PRIORITY_CLASSES } from './classes';
import type { PrioritySettings } from './settings';
import type { Worker } from '../core/worker';

/** Per-class numbers indexed by rank (bulk, default, interactive, system). */
export type PerClass = [number, number, number, number];

export function zeroes(): PerClass {
  return [0, 0, 0, 0];
}

export function total(v: readonly number[]): number {
  let n = 0;
  for (const x of v) n += x;
  return n;
}

/**
 * Free slots a `rank` request may take (SMG `slots_available_to`): capacity minus everything
 * in use minus what each higher class has reserved and not yet used. A class's own
 * reservation never limits itself, and a higher class's use first consumes its reservation.
 */
export function slotsAvailableTo(
  inUse: readonly number[],
  reserved: readonly number[],
  capacity: number,
  rank: number,
): number {
  let held = 0;
  for (let h = rank + 1; h < 4; h++) held += Math.max(0, (reserved[h] ?? 0) - (inUse[h] ?? 0));
  return Math.max(0, capacity - total(inUse) - held);
}

/** Per class max(floor, ceil(share × capacity)), each at most the capacity. */
export function desiredReservations(settings: PrioritySettings, capacity: number): PerClass {
  const out = zeroes();
  PRIORITY_CLASSES.forEach((c, i) => {
    const cfg = settings.classes[c];
    const share = Math.ceil(cfg.reservedPerSlot * capacity);
    out[i] = Math.min(capacity, Math.max(cfg.reservedFloor, Number.isFinite(share) ? share : 0));
  });
  return out;
}

/**
 * The reservations in force at `capacity`: the desired ones, or — when they add up to more —
 * filled from system down to bulk, so the highest classes keep theirs (SMG's runtime clamp).
 */
export function reservationsFor(settings: PrioritySettings, capacity: number): PerClass {
  const desired = desiredReservations(settings, capacity);
  if (total(desired) <= capacity) return desired;
  let left = capacity;
  const out = zeroes();
  for (let r = 3; r >= 0; r--) {
    const give = Math.min(desired[r] ?? 0, left);
    out[r] = give;
    left -= give;
  }
  return out;
}

/**
 * SMG refuses to start the scheduler when the reservations at the initial capacity exceed it
 * (the gateway then keeps the legacy limiter). Returns the reason, or undefined when they fit.
 */
export function infeasibility(settings: PrioritySettings, capacity: number): string | undefined {
  const sum = total(desiredReservations(settings, capacity));
  if (sum <= capacity) return undefined;
  return `sum of class reservations (${sum}) exceeds capacity (${capacity})`;
}

/** SMG: slots of a ready worker that does not report max_running_requests. */
export const SLOTS_PER_WORKER = 64;
/** SMG: capacity with no ready worker and no usable --max-concurrent-requests. */
export const FALLBACK_CAPACITY = 1024;

/**
 * The scheduler's capacity. collie: `--max-concurrent-requests` when > 0 pins it (the same
 * number the legacy limiter admits). Otherwise SMG's derivation: the sum of the ready
 * workers' `max_running_requests` (64 for a worker that does not report it), or 1024 with
 * no ready worker.
 */
export function schedulerCapacity(pinned: number, workers: readonly Worker[]): number {
  if (pinned > 0) return pinned;
  let sum = 0;
  let ready = 0;
  for (const w of workers) {
    if (w.status !== 'ready') continue;
    ready++;
    const n = Number(w.labels['max_running_requests']);
    sum += Number.isInteger(n) && n > 0 ? n : SLOTS_PER_WORKER;
  }
  return ready === 0 ? FALLBACK_CAPACITY : Math.min(sum, 65535);
}
