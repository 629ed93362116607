// Static findings for a patch mail: the protocol table run over the CFG of every function
// the mail touches, before and after the patch. Synchronous once the C parser is loaded,
// so an editor can run it on every keystroke.
import { readMail } from '../mail/index';
import type { MailDiagnostic, MailDocument } from '../mail/types';
import { parsePatchMessage } from '../patch/index';
import type { Comment, Hunk, PatchMessage } from '../patch/types';
import { rebuildFunctions } from '../c/images';
import { buildCfg } from '../c/cfg';
import { getCParser } from '../c/parser';
import type { FunctionImage, RebuiltFunction } from '../c/types';
import { coverageOf } from '../bind/coverage';
import { bindPatches, MAX_FUNCTION_CHARS, MAX_FUNCTION_LINES, type Binding } from '../bind/bind';
import { functionsOfHunk, scenariosReaching } from '../bind/simulate';
import { analyse, type HelperSummary, type RawFinding } from './engine';
import { mailHelpers } from '../bind/helpers';
import type { Finding, ReviewCoverage } from './types';
import { scopeOf, settleEvidence, withStatement } from './evidence';
import { releasingCallers, releasingPartner } from './pairs';
import { placeFragments } from './place';

export interface StaticResult {
  findings: Finding[];
  coverage: ReviewCoverage[];
  patches: PatchMessage[];
}

/** Loads the C parser; every review entry point needs it once. */
export function reviewReady(): Promise<void> {
  return getCParser().then(() => undefined);
}

/** Findings of a function's text, by its lines' offsets from its first mail line (see analyseText). */
const memo = new Map<string, { base: number; out: RawFinding[] }>();
const messageMemo = new Map<string, { pm: PatchMessage; fns: RebuiltFunction[]; helpers: Map<string, HelperSummary> }>();
const imageMemo = new WeakMap<FunctionImage, { helperKey: string; out: RawFinding[] }>();

function analyseImage(img: FunctionImage, helpers: ReadonlyMap<string, HelperSummary>, helperKey: string): RawFinding[] {
  const seen = imageMemo.get(img);
  if (seen && seen.helperKey === helperKey) return seen.out;
  const out = analyseText(img, helpers, helperKey);
  imageMemo.set(img, { helperKey, out });
  return out;
}

/**
 * The rules read mail lines as labels only, so a function's findings follow its text, not where
 * it stands: the same function quoted again further down a mailbox (in a reply, in the next
 * version of a series) is analysed once and its findings moved to its lines.
 */
function analyseText(img: FunctionImage, helpers: ReadonlyMap<string, HelperSummary>, helperKey: string): RawFinding[] {
  const base = img.lines.find((l) => l.mailLine !== null)?.mailLine ?? 0;
  const rows = img.lines.map((l) => `${l.mailLine === null ? '' : l.mailLine - base}:${l.text}`).join('\n');
  const key = `${img.name}\u0000${img.side}\u0000${helperKey}\u0000${rows}\u0000${img.gaps.join(',')}`;
  const hit = memo.get(key);
  if (hit) return movedBy(hit.out, base - hit.base);
  const cfg = buildCfg(img);
  const out = analyse({ cfg, image: img, helpers }).findings;
  if (memo.size > 5000) memo.clear();
  memo.set(key, { base, out });
  return out;
}

/** Findings moved down the mail by `by` lines. */
function movedBy(found: RawFinding[], by: number): RawFinding[] {
  if (by === 0) return found;
  return found.map((f) => ({
    ...f,
    line: f.line + by,
    endLine: f.endLine + by,
    related: f.related.map((r) => ({ ...r, line: r.line + by })),
    acquiredAt: f.acquiredAt === null ? null : f.acquiredAt + by,
  }));
}

export function allHunks(patches: PatchMessage[]): Hunk[] {
  return patches.flatMap((pm) => pm.files.flatMap((f) => f.hunks));
}

function hunkOfLine(hunks: Hunk[], line: number): Hunk | undefined {
  return hunks.find((h) => line >= h.mailLines[0] && line <= h.mailLines[1]);
}

/** The reviewer comment that already answers these lines, if the thread has one. */
function commentOn(h: Hunk | undefined, line: number, endLine: number): Comment | undefined {
  if (!h) return undefined;
  return h.comments.find((c) => {
    if (!c.anchor) return false;
    const a = h.lines[c.anchor[0]]?.mailLine ?? -1;
    const b = h.lines[c.anchor[1]]?.mailLine ?? -1;
    return a <= endLine + 1 && b >= line;
  });
}

/** The mail line of the reviewer comment that already made the point on these lines, if any. */
export function answered(h: Hunk | undefined, line: number, endLine: number): { comment?: number } {
  const c = commentOn(h, line, endLine);
  return c ? { comment: c.mailLines[0] } : {};
}

export interface Analysed {
  doc: MailDocument;
  patches: PatchMessage[];
  functions: RebuiltFunction[];
  helpers: Map<string, HelperSummary>;
  /** What reading met, on mail lines: the mail stage's warnings and errors, and functions set aside. */
  diagnostics: MailDiagnostic[];
}

// The longest function the review reads is the model's limit (bind.ts).
export { MAX_FUNCTION_LINES, MAX_FUNCTION_CHARS };

/** Every reading problem of the document and its messages: warnings, errors and the information
 *  a reviewer acts on (a hunk that does not apply as posted), not the reader's chatter. */
export function readingDiagnostics(doc: MailDocument, patches: PatchMessage[]): MailDiagnostic[] {
  return [...doc.diagnostics, ...doc.messages.flatMap((m) => m.diagnostics), ...patches.flatMap((p) => p.diagnostics)]
    .filter((d) => !d.verbose).sort((x, y) => x.line - y.line);
}

/** Reads the mail and rebuilds every touched function. */
export function analyseMail(input: string | Uint8Array | MailDocument, file: string | null, functions?: (pm: PatchMessage) => RebuiltFunction[]): Analysed {
  const doc = typeof input === 'string' || input instanceof Uint8Array ? readMail(input, { file: file ?? undefined }) : input;
  // Messages an edit did not touch (same lines at the same place) keep their patches and functions.
  const patches: PatchMessage[] = [];
  const rebuilt: RebuiltFunction[] = [];
  const helpers = new Map<string, HelperSummary>();
  for (const msg of doc.messages) {
    const key = functions ? null : `${msg.firstLine}\u0000${msg.body.map((b) => b.raw).join('\n')}\u0000${msg.headers.map((h) => `${h.name}:${h.value}`).join('\n')}`;
    let hit = key ? messageMemo.get(key) : undefined;
    if (!hit) {
      const pm = parsePatchMessage(msg);
      placeFragments(pm);
      const fns = (functions ?? rebuildFunctions)(pm);
      // Only the hunk's own lines: a reply may quote a helper between them.
      const hunkLines = new Set(allHunks([pm]).flatMap((h) => h.lines.map((l) => l.mailLine)));
      const images = fns.flatMap((f) => [f.pre, f.post]).filter((x): x is FunctionImage => x !== null);
      hit = { pm, fns, helpers: mailHelpers({ ...doc, messages: [msg] }, images, hunkLines) };
      if (key) { if (messageMemo.size > 2000) messageMemo.clear(); messageMemo.set(key, hit); }
    }
    patches.push(hit.pm);
    rebuilt.push(...hit.fns);
    for (const [n, h] of hit.helpers) if (!helpers.has(n)) helpers.set(n, h);
  }
  const diagnostics = readingDiagnostics(doc, patches);
  const kept = rebuilt.filter((f) => {
    const n = Math.max(f.pre?.lines.length ?? 0, f.post?.lines.length ?? 0);
    const chars = Math.max(...[f.pre, f.post].map((img) => (img?.lines ?? []).reduce((k, l) => k + l.text.length + 1, 0)));
    if (n <= MAX_FUNCTION_LINES && chars <= MAX_FUNCTION_CHARS) return true;
    const line = [...(f.post?.lines ?? []), ...(f.pre?.lines ?? [])].find((l) => l.mailLine !== null)?.mailLine ?? 1;
    const what = n > MAX_FUNCTION_LINES ? `${n} lines, more than the ${MAX_FUNCTION_LINES}` : `${chars} characters, more than the ${MAX_FUNCTION_CHARS}`;
    diagnostics.push({ line, severity: 'warning', message: `${f.name}() has ${what} the review reads: not analysed` });
    return false;
  });
  return { doc, patches, functions: kept, helpers, diagnostics };
}

/** Findings of the protocol table on the post-images; those already true before the patch are notes. */
export function staticFindings(a: Analysed, file: string | null): Finding[] {
  const hunks = allHunks(a.patches);
  const helperKey = [...a.helpers.values()].map((h) => `${h.name}=${h.locked}`).join(',');
  const out: Finding[] = [];
  const seen = new Set<string>();
  for (const fn of a.functions) {
    if (!fn.post) continue;
    const post = analyseImage(fn.post, a.helpers, helperKey);
    const pre = fn.pre ? analyseImage(fn.pre, a.helpers, helperKey) : [];
    for (const r of post) {
      // Held at return by design: a caller in the patch gives it up, or the patch's unlock half of the pair does.
      if (r.heldAtReturn && (releasingCallers(fn.name, r.about, a.functions).length || releasingPartner(fn.name, r.about, a.functions))) continue;
      const key = `${r.rule}@${r.line}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const h = hunkOfLine(hunks, r.line);
      const before = pre.some((p) => p.rule === r.rule && p.line === r.line);
      const c = commentOn(h, r.line, r.endLine);
      const f: Finding = {
        rule: r.rule, kind: r.kind,
        severity: before ? 'info' : r.severity,
        message: before ? `${r.message} (already so before this patch)` : r.message,
        file, line: r.line, endLine: r.endLine,
        hunk: { file: h?.path ?? fn.path, function: fn.name, id: h ? hunks.indexOf(h) : -1 },
        evidence: 'static',
      };
      if (r.related.length) f.related = r.related;
      if (c) f.comment = c.mailLines[0];
      out.push(f);
    }
  }
  out.sort((x, y) => x.line - y.line || x.rule.localeCompare(y.rule));
  return out;
}

const bindings: { patches: PatchMessage[]; binding: Binding }[] = [];

/** The mail's patches bound to the model; the last few bindings are remembered, so an edit that
 *  leaves every message as it was rebinds nothing. */
export function bindingOf(patches: PatchMessage[]): Binding {
  const hit = bindings.find((b) => b.patches.length === patches.length && b.patches.every((p, i) => p === patches[i]));
  if (hit) return hit.binding;
  const binding = bindPatches(patches);
  bindings.unshift({ patches, binding });
  bindings.length = Math.min(bindings.length, 8);
  return binding;
}

/** Coverage of every hunk without a simulation: the changed lines that lower, in functions a scenario reaches. */
export function loweredCoverage(patches: PatchMessage[], binding: Binding): ReviewCoverage[] {
  const hunks = allHunks(patches);
  return hunks.map((h, i) => {
    const touched = functionsOfHunk(binding, h);
    const reached = scenariosReaching(binding, touched.filter((f) => f.post.func).map((f) => f.name)).length > 0;
    return withStatement({ ...coverageOf(h, binding, touched, null, reached), hunk: i }, h, scopeOf(binding, patches, h));
  });
}

/** The static findings of a mail and its parsed patches, without binding them to the model
 *  (which only the coverage needs): what an editor shows first. Needs reviewReady() once. */
export function staticReview(text: string | Uint8Array | MailDocument, opts: { file?: string | null } = {}): Omit<StaticResult, 'coverage'> {
  const file = opts.file ?? null;
  const a = analyseMail(text, file);
  const findings = staticFindings(a, file);
  settleEvidence(findings);
  return { findings, patches: a.patches };
}

/** Coverage of a mail's patches without a simulation (see loweredCoverage). */
export function staticCoverage(patches: PatchMessage[]): ReviewCoverage[] {
  return loweredCoverage(patches, bindingOf(patches));
}

/** Static review of a mail: findings, coverage and the parsed patches. Needs reviewReady() once. */
export function checkMailStatic(text: string | Uint8Array | MailDocument, opts: { file?: string | null } = {}): StaticResult {
  const r = staticReview(text, opts);
  return { ...r, coverage: staticCoverage(r.patches) };
}
