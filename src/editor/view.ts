// What an editor shows of an analysis, as plain data on 1-based mail lines: diagnostics with
// their related lines, lenses, code actions, hovers. The VS Code extension and the language
// server both draw from here, each in its own API's types, so the two never disagree.
import type { Finding, HunkCoverage } from '../review/types';
import type { ProseSymbol } from '../review/prose';
import type { Trace } from '../check/types';
import { renderSwimlanes } from '../check/swimlane';
import type { Analysis, HunkKey, OutlineHunk, OutlineMessage } from './jobs';
import { keyOf } from './jobs';
import { placeSteps, stepPlace } from './trace';

export type Severity = 'error' | 'warning' | 'info';

/** How a finding is named across a surface boundary: its rule and first mail line. */
export interface FindingRef {
  rule: string;
  line: number;
}

export function findingId(f: FindingRef): string {
  return `${f.rule}@${f.line}`;
}

export function hunks(a: Analysis | null): OutlineHunk[] {
  return a ? a.outline.messages.flatMap((m) => m.files.flatMap((f) => f.hunks)) : [];
}

/** The hunk whose mail lines hold a (1-based) line. */
export function hunkAt(a: Analysis | null, line: number): OutlineHunk | undefined {
  return hunks(a).find((h) => line >= h.mailLines[0] && line <= h.mailLines[1]);
}

export function hunkFor(a: Analysis | null, key: HunkKey): OutlineHunk | undefined {
  return hunks(a).find((h) => h.message === key.message && h.hunk === key.hunk);
}

/** Findings on a hunk: those whose lines fall inside it. */
export function findingsIn(a: Analysis | null, h: OutlineHunk): Finding[] {
  return (a?.review?.findings ?? []).filter((f) => f.line >= h.mailLines[0] && f.line <= h.mailLines[1]);
}

/** Findings whose lines hold a line, those with a counterexample first. */
export function findingsAt(a: Analysis | null, line: number): Finding[] {
  return (a?.review?.findings ?? [])
    .filter((f) => line >= f.line && line <= f.endLine)
    .sort((x, y) => Number(!!y.trace) - Number(!!x.trace));
}

export function findingFor(a: Analysis | null, ref: FindingRef): Finding | undefined {
  return (a?.review?.findings ?? []).find((f) => f.rule === ref.rule && f.line === ref.line);
}

/** The message whose lines hold a line, else the last one that starts before it. */
export function messageAt(a: Analysis, line: number): OutlineMessage | undefined {
  const ms = a.outline.messages;
  return ms.find((m) => line >= m.firstLine && line <= m.lastLine) ?? [...ms].reverse().find((m) => m.firstLine <= line);
}

// ---------------------------------------------------------------------------------------
// Diagnostics

export interface RelatedData {
  line: number;
  message: string;
}

export interface DiagnosticData {
  first: number;
  last: number;
  severity: Severity;
  message: string;
  source: string;
  code?: string;
  related: RelatedData[];
  /** Set on a finding's diagnostic: the code actions find the finding by it. */
  finding?: FindingRef;
}

export const SOURCE = 'dax-review';

/** Up to this many trace steps are listed: those on mail lines, in order. */
const KEY_STEPS = 8;

function relatedOf(f: Finding, a: Analysis): RelatedData[] {
  const out: RelatedData[] = (f.related ?? []).map((r) => ({ line: r.line, message: r.message }));
  const trace = f.trace ? placeSteps(f.trace, hunkAt(a, f.line) ?? null) : null;
  const steps = trace?.steps ?? [];
  // A step inside a helper the mail does not show is listed at the mail line that calls it.
  const onMail = steps.map((s, i) => ({ s, i, at: stepPlace(s) })).filter((x) => x.at !== null);
  for (const { s, i, at } of onMail.slice(0, KEY_STEPS)) {
    const who = trace!.threads[s.thread] ?? s.threadName;
    const inside = at!.calls ? ` in ${at!.calls}(), called here` : '';
    out.push({ line: at!.line, message: `step ${i + 1}/${steps.length}, ${who}${inside}: ${s.label}${s.note ? ` (${s.note})` : ''}` });
  }
  return out;
}

export function findingMessage(f: Finding): string {
  return f.downgraded ? `${f.message} (${f.downgraded})` : f.message;
}

export function diagnosticsData(a: Analysis): DiagnosticData[] {
  const out: DiagnosticData[] = [];
  for (const f of a.review?.findings ?? []) {
    out.push({
      first: f.line, last: f.endLine, severity: f.severity, message: findingMessage(f), source: SOURCE, code: f.rule,
      related: relatedOf(f, a), finding: { rule: f.rule, line: f.line },
    });
  }
  for (const b of a.review?.bounded ?? []) {
    out.push({
      first: b.line, last: b.line, severity: 'warning', message: `${b.function}() not decided within the budget: ${b.reason}`,
      source: SOURCE, code: 'bounded', related: [],
    });
  }
  for (const m of a.outline.diagnostics) {
    out.push({ first: m.line, last: m.line, severity: m.severity, message: m.message, source: `${SOURCE} (mail)`, related: [] });
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Lenses

export interface LensData {
  /** The hunk's first mail line: the lens sits above it. */
  line: number;
  title: string;
  tooltip: string;
  /** Absent: the lens only says something (what the model does not run), it acts on nothing. */
  command?: { id: 'daxReview.simulateHunk'; key: HunkKey } | { id: 'daxReview.simulateScenario'; key: ScenarioKey };
}

/** A scenario of the model's own, run with its reference functions (no hunk). */
export interface ScenarioKey { scenario: string }

/** The lens on a kernel function the prose names: simulate the scenario that runs it best. */
export function symbolLens(p: ProseSymbol): LensData {
  const others = p.scenarios.length - 1;
  return {
    line: p.line,
    title: `▶ Simulate ${p.scenarios[0]}: runs ${p.symbol}()`,
    tooltip: `${p.symbol}() is in the model (${p.era} ${p.version}); ${others ? `${others} other scenario${others === 1 ? '' : 's'} run it too (${p.scenarios.slice(1, 4).join(', ')}${others > 3 ? ', ...' : ''})` : 'no other scenario runs it'}`,
    command: { id: 'daxReview.simulateScenario', key: { scenario: p.scenarios[0] } },
  };
}

/** The prose symbols of the messages the given lines fall in (all with no lines given). */
export function symbolsInView(a: Analysis, lines: readonly [number, number][] | null, cap = VIEW_CAP): ProseSymbol[] {
  const all = a.outline.symbols ?? [];
  if (!lines) return all.slice(0, cap);
  const shown = a.outline.messages.filter((m) => lines.some(([first, last]) => m.lastLine >= first && m.firstLine <= last));
  return all.filter((p) => shown.some((m) => p.line >= m.firstLine && p.line <= m.lastLine)).slice(0, cap);
}

/** The functions the model does not run, and why: what a hunk it runs none of is about. */
export function outsideModel(c: HunkCoverage): string {
  const out = (c.functions ?? []).filter((f) => f.mode === 'not-modelled');
  const named = out.map((f) => `${f.name}()${f.why ? `: ${f.why}` : ''}`);
  if (named.length) return named.join('; ');
  const why = [...new Set(c.notExecuted.map((n) => n.why))];
  return why.length ? why.join(', ') : 'no modelled function';
}

/** A hunk the model runs none of: there is nothing to simulate. */
export function outsideTheModel(c: HunkCoverage | undefined): boolean {
  return !!c && c.changed > 0 && c.executed === 0;
}

export function lensFor(a: Analysis, h: OutlineHunk): LensData {
  const c = a.review?.coverage[keyOf(h)];
  const n = a.review ? findingsIn(a, h).length : null;
  const count = n === null ? '' : ` · ${n} finding${n === 1 ? '' : 's'}`;
  if (c && outsideTheModel(c)) {
    return {
      line: h.mailLines[0],
      title: `outside the model${count} · ${outsideModel(c)}`,
      tooltip: `The model runs none of the ${c.changed} changed lines of hunk ${h.hunk + 1}: nothing here to simulate.`,
    };
  }
  const parts = ['▶ Simulate hunk'];
  if (n !== null) parts.push(`${n} finding${n === 1 ? '' : 's'}`);
  if (c) parts.push(`model covers ${c.executed}/${c.changed} changed lines`);
  return {
    line: h.mailLines[0],
    title: parts.join(' · '),
    tooltip: `Run hunk ${h.hunk + 1}${h.function ? ` (${h.function})` : ''} in the model, pre-image against post-image`,
    command: { id: 'daxReview.simulateHunk', key: { message: h.message, hunk: h.hunk } },
  };
}

/** Most lenses (and comment threads) one view of a document gets. */
export const VIEW_CAP = 200;

/**
 * The hunks an editor decorates: those of the messages the given lines fall in (what is in
 * view), at most `cap`; with no lines given, the document's first hunks up to the cap.
 * A thousand-message mailbox is read whole, but only what the reviewer looks at is drawn.
 */
export function hunksInView(a: Analysis, lines: readonly [number, number][] | null, cap = VIEW_CAP): OutlineHunk[] {
  if (!lines) return hunks(a).slice(0, cap);
  const shown = new Set<number>();
  for (const [first, last] of lines) {
    for (const m of a.outline.messages) if (m.lastLine >= first && m.firstLine <= last) shown.add(m.index);
    const at = messageAt(a, first);
    if (at) shown.add(at.index);
  }
  const out: OutlineHunk[] = [];
  for (const i of [...shown].sort((x, y) => x - y)) {
    for (const f of a.outline.messages[i]?.files ?? []) for (const h of f.hunks) if (out.length < cap) out.push(h);
  }
  return out;
}

/** Which messages are in view: what is drawn for the view (lenses, comment threads) is
 *  drawn again only when this changes. */
export function viewKey(a: Analysis | null, lines: readonly [number, number][] | null): string {
  if (!a || !lines) return '';
  return lines.map(([first, last]) => `${messageAt(a, first)?.index ?? -1}-${messageAt(a, last)?.index ?? -1}`).join(',');
}

export function lensesData(a: Analysis, lines: readonly [number, number][] | null, cap = VIEW_CAP): LensData[] {
  return [...hunksInView(a, lines, cap).map((h) => lensFor(a, h)), ...symbolsInView(a, lines, cap).map(symbolLens)];
}

// ---------------------------------------------------------------------------------------
// Code actions: only on a line with a finding, each of the kind it is.

/** Kinds under the editors' "empty" root: none is a quick fix, since none edits the mail. */
export const ACTION_KINDS = {
  trace: 'daxReview.trace',
  simulate: 'daxReview.simulate',
  without: 'daxReview.without',
  reply: 'daxReview.reply',
} as const;

export type ActionData =
  | { kind: typeof ACTION_KINDS.trace; title: string; finding: FindingRef; preferred: boolean }
  | { kind: typeof ACTION_KINDS.simulate; title: string; finding: FindingRef; key: HunkKey }
  | { kind: typeof ACTION_KINDS.without; title: string; finding: FindingRef; key: HunkKey; line: number }
  | { kind: typeof ACTION_KINDS.reply; title: string; finding: FindingRef };

export function actionsAt(a: Analysis | null, line: number): ActionData[] {
  const out: ActionData[] = [];
  const h = hunkAt(a, line);
  const found = findingsAt(a, line);
  for (const f of found) {
    const ref = { rule: f.rule, line: f.line };
    if (f.trace) out.push({ kind: ACTION_KINDS.trace, title: 'Show the counterexample', finding: ref, preferred: true });
    if (h && !outsideTheModel(a?.review?.coverage[keyOf(h)])) {
      const key = { message: h.message, hunk: h.hunk };
      if (!out.some((x) => x.kind === ACTION_KINDS.simulate)) out.push({ kind: ACTION_KINDS.simulate, title: 'Simulate this hunk', finding: ref, key });
      const added = h.lines.find((l) => l.mailLine === line && l.op === '+');
      if (added && !out.some((x) => x.kind === ACTION_KINDS.without)) {
        out.push({ kind: ACTION_KINDS.without, title: 'What if this line were removed?', finding: ref, key, line });
      }
    }
    out.push({ kind: ACTION_KINDS.reply, title: found.length > 1 ? `Add to review reply: ${f.rule}` : 'Add to review reply', finding: ref });
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Hover

/** A trace as the thread table reviewers draw in mail. */
export function swimlaneText(trace: Trace, width = 100): string {
  return renderSwimlanes(trace, { width });
}

function fence(text: string): string {
  const ticks = '`'.repeat(Math.max(3, ...[...text.matchAll(/`+/g)].map((m) => m[0].length + 1)));
  return `${ticks}text\n${text}\n${ticks}`;
}

/** Markdown for a line: its findings (with their counterexample), else its hunk's summary. */
export function hoverAt(a: Analysis | null, line: number): string | null {
  if (!a) return null;
  const found = findingsAt(a, line);
  const h = hunkAt(a, line);
  if (found.length) {
    return found.map((f) => {
      const head = `**${f.rule}** (${f.severity}, evidence: ${f.evidence}): ${escapeMd(findingMessage(f))}`;
      const sim = f.simulation ? `\n\n${f.simulation.confirmed ? 'confirmed' : 'not confirmed'} in ${f.simulation.scenario}: ${escapeMd(f.simulation.summary)}` : '';
      const trace = f.trace ? `\n\n${fence(swimlaneText(placeSteps(f.trace, h ?? null)))}` : '';
      return head + sim + trace;
    }).join('\n\n---\n\n');
  }
  if (!h) return null;
  return escapeMd(lensFor(a, h).title.replace(/^▶ /, ''));
}

function escapeMd(s: string): string {
  return s.replace(/([\\`*_{}[\]<>#|])/g, '\\$1');
}
