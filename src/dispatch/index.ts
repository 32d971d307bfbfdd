export {
  createEngineClients,
  type EngineClient,
  type EngineClients,
  type EngineText,
} from './engine-client';
export type { BufferedReply, EngineRequest, ExchangeHandler } from './exchange';
export { createDeadlines, type Deadlines } from './deadlines';
export { forwardedHeaders, responseHeaders } from './headers';
export { createMetricsObserver, type DispatchObserver } from './observer';
export { runPipeline, startPipeline, type DispatchInput, type PipelineDeps } from './pipeline';
export { relay, type RelayOutcome } from './relay';
export { RequestScope } from './scope';
export {
  planStages,
  type DispatchExchange,
  type DispatchResult,
  type Stage,
  type StagePlan,
} from './stages';
export { transportError } from './transport-errors';
