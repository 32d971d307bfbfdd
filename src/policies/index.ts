export * from './types';
export { createPolicy } from './factory';
export { createRandomPolicy } from './random';
export { createRoundRobinPolicy } from './round-robin';
export { createPowerOfTwoPolicy } from './power-of-two';
export { createLeastLoadPolicy } from './least-load';
export {
  createConsistentHashingPolicy,
  IMPLICIT_KEY_HEADERS,
  ROUTING_KEY_HEADER,
  TARGET_WORKER_HEADER,
} from './consistent-hashing';
export { createManualPolicy, MAX_CANDIDATES, type ManualPolicy } from './manual';
export { createPassthroughPolicy } from './passthrough';
export { createIndexedHeap, type IndexedHeap } from './indexed-heap';
export { createHashRingBuilder, VIRTUAL_NODES, type HashRing } from './hash-ring';
