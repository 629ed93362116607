// The reference functions: every modelled function, in the order listModel() shows them.
import { compile, type FnDef, type Func, type PointValue } from '../ir';
import { CALLER_FNS } from './callers';
import { ENTRY_FNS } from './entry';
import { FAULT_FNS } from './fault';
import { FILEMAP_FNS } from './filemap';
import { grab_mapping_entry } from './grab';
import { INSERT_FNS } from './insert';
import { INVALIDATE_FNS } from './invalidate';

export const REFERENCE: readonly FnDef[] = [
  ...ENTRY_FNS, grab_mapping_entry, ...INSERT_FNS, ...FAULT_FNS, ...INVALIDATE_FNS, ...FILEMAP_FNS, ...CALLER_FNS,
];

/** Compiles every reference function with the given variation points ("fn.point" or "point" keys). */
export function compileReference(points: Readonly<Record<string, PointValue>> = {}): Func[] {
  const funcs = REFERENCE.map((d) => compile(d, points));
  const known = new Set(funcs.flatMap((f) => f.points.flatMap((p) => [`${f.name}.${p.name}`, p.name])));
  for (const k of Object.keys(points)) {
    if (!known.has(k)) throw new Error(`unknown variation point '${k}' (see 'model list')`);
  }
  return funcs;
}
