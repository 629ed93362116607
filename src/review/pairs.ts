// A lock and its release split over a pair of helpers: one returns with a lock or a locked
// entry held by design, a caller in the same patch gives it up (directly, or through the other
// helper). The protocol rules read one function at a time; this reads the patch as a whole.
import type { FunctionImage, RebuiltFunction } from '../c/types';
import { protocolOfCall } from './engine';

/** The calls a function's code makes, in order, with the line index each stands on. */
function calls(img: FunctionImage): { fn: string; at: number }[] {
  const out: { fn: string; at: number }[] = [];
  img.lines.forEach((l, at) => {
    for (const m of l.text.replace(/\/\*.*?\*\/|\/\/.*$/g, '').matchAll(/\b([A-Za-z_]\w*)\s*\(/g)) {
      if (!/^(?:if|while|for|switch|return|sizeof)$/.test(m[1])) out.push({ fn: m[1], at });
    }
  });
  return out;
}

/** Whether an API call gives up a resource of the class. */
function apiReleases(fn: string, cls: string): boolean {
  return protocolOfCall(fn)?.effects.some((e) => e.op === 'release' && e.cls === cls) ?? false;
}

/** The patch's functions as they are after it, by name. */
function postImages(functions: readonly RebuiltFunction[]): Map<string, FunctionImage> {
  const out = new Map<string, FunctionImage>();
  for (const f of functions) if (f.post && !out.has(f.name)) out.set(f.name, f.post);
  return out;
}

/** Whether a call to `fn` releases the class: the API says so, or the patch's own `fn` does (one level down). */
function releases(fn: string, cls: string, images: ReadonlyMap<string, FunctionImage>): boolean {
  if (apiReleases(fn, cls)) return true;
  const img = images.get(fn);
  return img !== undefined && calls(img).some((c) => apiReleases(c.fn, cls));
}

/** Words that name the two halves of a pair: dax_lock_entry() and dax_unlock_entry(). */
const HALVES: Readonly<Record<string, string>> = { lock: 'unlock', get: 'put', grab: 'put', acquire: 'release', begin: 'end', start: 'finish' };

/** The names of the other half of a pair `helper` would be the first half of. */
function partners(helper: string): string[] {
  const words = helper.split('_');
  return words.flatMap((w, i) => (HALVES[w] ? [[...words.slice(0, i), HALVES[w], ...words.slice(i + 1)].join('_')] : []));
}

/**
 * The patch's other half of a lock/unlock pair of helpers that `helper` begins, when it gives
 * up what `helper` returns holding (class `cls`): dax_unlock_entry() for dax_lock_entry(). Null
 * when the patch defines no such helper. Callers elsewhere in the series call the pair.
 */
export function releasingPartner(helper: string, cls: string, functions: readonly RebuiltFunction[]): string | null {
  const images = postImages(functions);
  return partners(helper).find((p) => p !== helper && images.has(p) && releases(p, cls, images)) ?? null;
}

/**
 * The callers, in the same patch, that call `helper` and later release what it returns holding
 * (a resource of class `cls`); empty when none does. Such a helper holds it by design.
 */
export function releasingCallers(helper: string, cls: string, functions: readonly RebuiltFunction[]): string[] {
  const images = postImages(functions);
  const out: string[] = [];
  for (const [name, img] of images) {
    if (name === helper) continue;
    const cs = calls(img);
    const first = cs.find((c) => c.fn === helper);
    if (first && cs.some((c) => c.at >= first.at && c.fn !== helper && releases(c.fn, cls, images))) out.push(name);
  }
  return out;
}
