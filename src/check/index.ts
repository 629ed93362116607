// The explorer's public API.
export { explore, type ExploreOptions } from './explore';
export { renderSwimlanes, defaultCell, wrap, type SwimlaneOptions } from './swimlane';
export { runInWorker, runScenario, handleRequest, type BuildMachine, type WorkerOptions } from './run';
export { buildFromInput } from './scenario';
export type * from './types';
