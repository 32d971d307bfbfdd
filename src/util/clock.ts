/** Injected time source. `now()` is wall-clock ms; `monotonic()` is a monotonic ms clock. */
export interface Clock {
  now(): number;
  monotonic(): number;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
};
