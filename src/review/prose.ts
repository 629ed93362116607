// Kernel functions a message names in its prose, when it has no hunks to run (a design
// discussion such as seed 002): each named function the model has is pointed out, on the line
// that first names it, with the scenarios that run it (those of the era the prose speaks of,
// and those that run most of what it names, first) and the command that simulates one.
import type { MailDiagnostic, MailDocument } from '../mail/types';
import type { PatchMessage } from '../patch/types';
import { listModel, type ModelListing } from '../model/index';
import { identifyEra } from '../model/eras/index';

interface Runner { name: string; era: string; version: string; functions: string[] }

/** Per modelled function, the scenarios that run it. */
function runners(listing: ModelListing): Map<string, Runner[]> {
  const out = new Map<string, Runner[]>();
  for (const s of [...listing.scenarios, ...listing.knownDefects]) {
    const r: Runner = { name: s.name, era: s.era, version: s.version, functions: s.functions };
    for (const fn of s.functions) out.set(fn, [...(out.get(fn) ?? []), r]);
  }
  return out;
}

let cached: Map<string, Runner[]> | null = null;

/** The notes of the prose of messages without hunks that names functions the model runs. */
export function proseSymbols(doc: MailDocument, patches: PatchMessage[], file: string | null): MailDiagnostic[] {
  const withHunks = new Set(patches.filter((pm) => pm.files.some((f) => f.hunks.length)).map((pm) => pm.message));
  if (withHunks.size === doc.messages.length) return [];
  cached ??= runners(listModel());
  const model = cached;
  const out: MailDiagnostic[] = [];
  const seen = new Set<string>();
  for (const m of doc.messages) {
    if (withHunks.has(m)) continue;
    const words = m.body.flatMap((l) => (l.text.match(/[A-Za-z_][A-Za-z0-9_]{3,}/g) ?? []).map((w) => ({ w, line: l.mailLine })));
    const named = [...new Set(words.map((x) => x.w).filter((w) => w.includes('_') && model.has(w)))];
    const era = identifyEra(words.map((x) => x.w))?.info.name;
    const rank = (r: Runner): number => (r.era === era ? 100 : 0) + named.filter((n) => r.functions.includes(n)).length;
    for (const w of named) {
      if (seen.has(w)) continue;
      seen.add(w);
      const rs = [...model.get(w)!].sort((a, b) => rank(b) - rank(a));
      const shown = rs.slice(0, 3).map((r) => r.name);
      out.push({
        line: words.find((x) => x.w === w)!.line, severity: 'info',
        message: `${w}() is in the model (${rs[0].era} ${rs[0].version}): ${rs.length} scenario${rs.length === 1 ? '' : 's'} run it ` +
          `(${shown.join(', ')}${rs.length > shown.length ? ', ...' : ''}); dax-review simulate ${file ?? 'FILE'} --scenario ${shown[0]}`,
      });
    }
  }
  return out;
}
