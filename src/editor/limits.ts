// The bounds on the extension's settings: every budget has a ceiling, and an untrusted
// workspace gets the defaults' ceilings (its own values for these settings are ignored by
// VS Code: package.json names them in restrictedConfigurations). Plain functions, so the
// unit tests run them without VS Code.
import type { Budget } from '../check/types';

export interface Limits {
  budget: Budget;
  /** Most seconds one editor job (check, simulate, reply) runs before it is cancelled. */
  deadlineS: number;
}

export const DEFAULTS: Limits = { budget: { maxStates: 500_000, maxMs: 20_000 }, deadlineS: 300 };
/** Ceilings in a trusted workspace. */
export const TRUSTED_MAX: Limits = { budget: { maxStates: 20_000_000, maxMs: 600_000 }, deadlineS: 3_600 };
/** Ceilings in an untrusted workspace: the defaults. */
export const UNTRUSTED_MAX: Limits = DEFAULTS;

function clamp(v: unknown, lo: number, hi: number, fallback: number): number {
  const n = typeof v === 'number' && Number.isFinite(v) ? v : fallback;
  return Math.min(hi, Math.max(lo, n));
}

/** The settings as given, each within its bounds for the workspace's trust. */
export function boundedLimits(raw: { maxStates?: unknown; maxMs?: unknown; deadlineS?: unknown }, trusted: boolean): Limits {
  const max = trusted ? TRUSTED_MAX : UNTRUSTED_MAX;
  return {
    budget: {
      maxStates: Math.floor(clamp(raw.maxStates, 1, max.budget.maxStates, DEFAULTS.budget.maxStates)),
      maxMs: clamp(raw.maxMs, 1, max.budget.maxMs, DEFAULTS.budget.maxMs),
    },
    deadlineS: clamp(raw.deadlineS, 1, max.deadlineS, DEFAULTS.deadlineS),
  };
}
