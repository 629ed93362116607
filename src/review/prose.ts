// Kernel functions a message names in its prose, when it has no hunks to run (a design
// discussion such as seed 002): each named function the model has, or kernel API its C calls
// (vmf_insert_mixed()), is pointed out on the line that first names it, with the scenarios
// that run it (those of the era the prose speaks of, and those that run most of what it names,
// first) and the command that simulates one.
import type { MailDiagnostic } from '../mail/types';
import type { PatchMessage } from '../patch/types';
import { listModel, MODEL_ERAS, type ModelListing } from '../model/index';
import { identifyEra } from '../model/eras/index';

interface Runner { name: string; era: string; version: string; functions: string[] }

/** Per modelled function, and per kernel API the model's C calls, the scenarios that run it. */
function runners(listing: ModelListing): Map<string, Runner[]> {
  const out = new Map<string, Runner[]>();
  const add = (name: string, r: Runner) => { if (!out.get(name)?.includes(r)) out.set(name, [...(out.get(name) ?? []), r]); };
  const modelled = new Set(listing.functions.map((f) => f.name));
  for (const s of [...listing.scenarios, ...listing.knownDefects]) {
    const r: Runner = { name: s.name, era: s.era, version: s.version, functions: s.functions };
    for (const fn of s.functions) {
      add(fn, r);
      const f = listing.functions.find((x) => x.name === fn && x.era === s.era && x.version === s.version);
      for (const c of f?.calls ?? []) if (!modelled.has(c)) add(c, r);
    }
  }
  return out;
}

/** What the model knows by name, read from its listing once: the scenarios that run each
 *  symbol, the functions it has (the other symbols are kernel APIs its C calls), and the words
 *  prose names functions with. */
interface Known { runners: Map<string, Runner[]>; functions: Set<string>; phrases: Map<string, string> }
let known: Known | null = null;

function knownSymbols(): Known {
  if (known) return known;
  const listing = listModel();
  const byName = runners(listing);
  const functions = new Set(listing.functions.map((f) => f.name));
  const phrases = new Map<string, string>();
  for (const name of functions) { const p = phraseOf(name); if (p && byName.has(name) && !phrases.has(p)) phrases.set(p, name); }
  known = { runners: byName, functions, phrases };
  return known;
}

/** The identifiers only a version of an era uses (Era.words). */
function versionWords(r: Runner): readonly string[] {
  return MODEL_ERAS.find((e) => e.name === r.era && e.version === r.version)?.words ?? [];
}

/** A kernel function the prose of a message without hunks names, which the model runs: where
 *  it is first named, and the scenarios that run it, best first. */
export interface ProseSymbol {
  line: number;
  symbol: string;
  era: string;
  version: string;
  scenarios: string[];
  /** A kernel API the model's C calls rather than a function it has. */
  api?: boolean;
  /** The words the prose names it by, when not its name ("break layouts"). */
  phrase?: string;
}

/** Name parts that say whose a function is rather than what it does. */
const OWNER_PARTS = new Set(['xfs', 'dax', 'fs']);

/** How prose names a modelled function in words: the parts of its name that say what it does
 *  ("break layouts" for xfs_break_dax_layouts()), when there are two or more. */
function phraseOf(name: string): string | null {
  const parts = name.split('_').filter((p) => p && !OWNER_PARTS.has(p));
  return parts.length >= 2 ? parts.join(' ') : null;
}

/** Functions the prose names in words, each with the line and the words. */
function phrasesIn(phrases: Map<string, string>, lines: readonly { text: string; mailLine: number }[]): { w: string; line: number; phrase: string }[] {
  const out: { w: string; line: number; phrase: string }[] = [];
  for (const [phrase, name] of phrases) {
    const re = new RegExp(`\\b${phrase.replace(/ /g, '[ -]')}\\b`, 'i');
    const at = lines.find((l) => re.test(l.text));
    if (at) out.push({ w: name, line: at.mailLine, phrase });
  }
  return out;
}

/** The modelled functions the prose of messages without hunks names, each once. */
export function proseSymbolsOf(patches: readonly PatchMessage[]): ProseSymbol[] {
  const prose = patches.filter((pm) => !pm.files.some((f) => f.hunks.length)).map((pm) => pm.message);
  if (!prose.length) return [];
  const { runners: model, functions, phrases } = knownSymbols();
  const out: ProseSymbol[] = [];
  const seen = new Set<string>();
  for (const m of prose) {
    // Prose writes some functions hyphenated ("memory-failure" for memory_failure()).
    const written: { w: string; line: number; phrase?: string }[] = m.body.flatMap((l) => (l.text.match(/[A-Za-z_][A-Za-z0-9_]{3,}(?:-[A-Za-z0-9_]+)*/g) ?? [])
      .map((w) => ({ w: w.replace(/-/g, '_'), line: l.mailLine })));
    // And some in words ("break layouts"), where it does not write the name itself.
    const words = [...written, ...phrasesIn(phrases, m.body).filter((p) => !written.some((x) => x.w === p.w))];
    const named = [...new Set(words.map((x) => x.w).filter((w) => w.includes('_') && model.has(w)))];
    const era = identifyEra(words.map((x) => x.w))?.info.name;
    const said = new Set(words.map((x) => x.w));
    // The era the prose speaks of first, then the version whose own identifiers it uses
    // (DAX_ZAP: seed 002's life cycle), then the scenarios that run most of what it names.
    const rank = (r: Runner): number => (r.era === era ? 100 : 0) + (versionWords(r).some((w) => said.has(w)) ? 50 : 0) +
      named.filter((n) => r.functions.includes(n)).length;
    for (const w of named) {
      if (seen.has(w)) continue;
      seen.add(w);
      const rs = [...model.get(w)!].sort((a, b) => rank(b) - rank(a));
      const first = words.find((x) => x.w === w)!;
      out.push({
        line: first.line, symbol: w, era: rs[0].era, version: rs[0].version, scenarios: rs.map((r) => r.name),
        ...(functions.has(w) ? {} : { api: true }), ...(first.phrase ? { phrase: first.phrase } : {}),
      });
    }
  }
  return out;
}

/** The notes of the prose of messages without hunks that names functions the model runs. */
export function proseSymbols(patches: readonly PatchMessage[], file: string | null): MailDiagnostic[] {
  return proseSymbolsOf(patches).map((p) => {
    const shown = p.scenarios.slice(0, 3);
    const n = p.scenarios.length;
    return {
      line: p.line, severity: 'info' as const,
      message: `${p.phrase ? `"${p.phrase}" is ` : ''}${p.symbol}()${p.phrase ? ', which' : ''} is ${p.api ? 'called by the model\'s C' : 'in the model'} (${p.era} ${p.version}): ${n} scenario${n === 1 ? '' : 's'} run it ` +
        `(${shown.join(', ')}${n > shown.length ? ', ...' : ''}); dax-review simulate ${file ?? 'FILE'} --scenario ${shown[0]}`,
    };
  });
}
