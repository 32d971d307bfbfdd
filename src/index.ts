export { startSingleProcess, type Gateway } from './cluster/single';
export { startPrimary } from './cluster/primary';
export { parseLaunchArgs } from './config/parse';
export type { GatewayConfig } from './config/config';
