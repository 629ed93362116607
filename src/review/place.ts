// A quoted fragment that names neither its file nor its function (the reviewer trimmed both
// away) is placed by its own lines: the one function of the model's kernel C (of any era) whose text holds
// every line the fragment shows of the code before the patch, in order. A fragment of code the
// model does not have matches nothing and stays unplaced.
import type { Hunk, PatchMessage } from '../patch/types';
import { definitionName } from '../patch/cfunc';
import { ERAS } from '../model/eras/index';

interface SourceFunction { path: string; name: string; lines: string[] }

/** Fewest lines of substance (not blank, not braces alone) a fragment needs to be placed. */
const MIN_LINES = 2;

const norm = (s: string): string => s.trim().replace(/\s+/g, ' ');
const substantial = (s: string): boolean => !/^[\s{}();]*$/.test(s);

let functions: SourceFunction[] | null = null;

/** Each function of the modelled eras' C files: from a definition at column 0 to the '}' that closes it. */
function sourceFunctions(): SourceFunction[] {
  if (functions) return functions;
  functions = [];
  for (const src of ERAS.flatMap((e) => e.era?.sources ?? [])) {
    const lines = src.text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const name = /^[A-Za-z_]/.test(lines[i]) ? definitionName(lines[i]) : null;
      if (!name) continue;
      const end = lines.findIndex((l, k) => k > i && l.startsWith('}'));
      if (end < 0) continue;
      functions.push({ path: src.path, name, lines: lines.slice(i, end + 1).map(norm) });
      i = end;
    }
  }
  return functions;
}

/** Does `fn` hold the lines, in this order? */
function holds(fn: SourceFunction, lines: readonly string[]): boolean {
  let k = 0;
  for (const l of fn.lines) if (k < lines.length && l === lines[k]) k++;
  return k === lines.length;
}

/** The function a fragment's code before the patch lies in, when exactly one holds it. */
export function placeFragment(h: Hunk): SourceFunction | null {
  const old = h.lines.filter((l) => l.op !== '+').map((l) => norm(l.text)).filter((t) => t !== '');
  if (old.filter(substantial).length < MIN_LINES) return null;
  const hits = sourceFunctions().filter((f) => holds(f, old));
  // The same function of two eras is one place.
  return hits.length && hits.every((f) => f.path === hits[0].path && f.name === hits[0].name) ? hits[0] : null;
}

/** Places every header-less fragment the mail does not place itself; says so on the hunk. */
export function placeFragments(pm: PatchMessage): void {
  for (const h of pm.files.flatMap((f) => f.hunks)) {
    if (!h.headerMissing || h.path !== null || h.function !== null) continue;
    const at = placeFragment(h);
    if (!at) continue;
    h.path = at.path;
    h.pathSource = 'inferred';
    h.function = at.name;
    h.functionSource = 'model';
    h.functions = [at.name];
    for (const l of h.lines) l.function = at.name;
  }
  // A file the mail did not name takes the path its hunks were placed in, when they agree.
  for (const f of pm.files) {
    const paths = new Set(f.hunks.map((h) => h.path));
    const [only] = paths;
    if (f.path === null && paths.size === 1 && only) f.path = f.oldPath = f.newPath = only;
  }
}
