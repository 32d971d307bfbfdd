/** Pure resilience primitives: circuit breaker, retries, health state machine, admission. */
export * from './admission';
export * from './circuit-breaker';
export * from './health-state';
export * from './retry';
