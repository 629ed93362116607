// A run request's machine: the model's scenario with the request's variation points and
// function overrides.
import { buildScenario, type BuildOptions } from '../model/index';
import type { Machine } from '../model/machine';
import type { RunInput } from './types';

export function buildFromInput(input: RunInput): Machine {
  const opts: BuildOptions = {};
  if (input.points) opts.points = input.points;
  if (input.overrides) opts.overrides = input.overrides as BuildOptions['overrides'];
  if (input.threads !== undefined) opts.threads = input.threads;
  if (input.version !== undefined) opts.version = input.version;
  return buildScenario(input.scenario, opts);
}
