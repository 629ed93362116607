// The binding stage's public API: a hunk's meaning in the model.
export { forgetRuns, simulateHunk, simulateWith, scenariosForHunk, scenariosReaching, functionsOfHunk, summarise, kindWords, DEFAULT_BUDGET } from './simulate';
export type { HunkSimulation, SimulateOptions, PointMatch } from './simulate';
export { bindPatches, eraOf } from './bind';
export type { Binding, BoundFunction, BoundSide, BindOptions } from './bind';
export { coverageOf, allHunks, hunkAt, hunkIndex, isCode } from './coverage';
export { mailHelpers } from './helpers';
export type { HelperSummary } from './helpers';
export type { HunkCoverage, HunkVerdict, NotExecutedWhy } from './types';
