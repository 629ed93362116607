// The eras of the model and what the static rules read of them: what a call does to what its
// caller holds, from the era tables (their own functions and calls) and the APIs they share.
import type { Effect } from '../core/api';
import { COMMON_PROTOCOL } from './common/protocol';
import { RADIX_API } from './radix/api';
import { XARRAY_PROTOCOL } from './xarray/protocol';

/** The protocol tables, an era's before the shared one. */
const TABLES: readonly Readonly<Record<string, readonly Effect[]>>[] = [RADIX_API.protocol, XARRAY_PROTOCOL, COMMON_PROTOCOL];

/** What a call does to what its caller holds, by the first table that names it; undefined when none does. */
export function protocolOf(name: string): { name: string; effects: readonly Effect[] } | undefined {
  for (const t of TABLES) {
    const effects = Object.prototype.hasOwnProperty.call(t, name) ? t[name] : undefined;
    if (effects) return { name, effects };
  }
  return undefined;
}
