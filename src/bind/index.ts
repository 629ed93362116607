// The binding stage's public API: a hunk's meaning in the model.
export { forgetRuns, simulateHunk, scenariosForHunk, simulateWith, pointEffects, summarise, kindWords, DEFAULT_BUDGET } from './simulate';
export type { HunkSimulation, SimulateOptions, PointEffect } from './simulate';
export { bindPoints, POINT_PATTERNS, withoutLine } from './points';
export type { PointBinding, PointPattern, PointValue } from './points';
export { hunkCoverage, coverageOf } from './coverage';
export { modelIndex } from './modelindex';
export type { ModelIndex, PointSettings } from './modelindex';
export { mailHelpers } from './helpers';
export type { HelperSummary } from './helpers';
export type { HunkCoverage, HunkVerdict, NotExecutedWhy } from './types';
