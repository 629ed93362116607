// The one place an editor meets the core: every capability the extension and the language
// server offer is a call here, to the same functions the CLI uses. Runs in the analysis worker only.
import { readMail } from '../mail';
import type { MailDiagnostic, MailDocument } from '../mail/types';
import type { PatchMessage } from '../patch/types';
import { bindPatches, scenariosForHunk, simulateHunk } from '../bind';
import { bindOptions } from '../bind/simulate';
import { THREAD_KINDS, buildScenario, eraOfScenario, scenarioSpec } from '../model';
import { explore } from '../check';
import { checkMail, draftReply, proseSymbolsOf, reviewReady, staticCoverage, staticReview } from '../review';
import type { ReviewCoverage, Undecided } from '../review/types';
import type { Finding, HunkCoverage, HunkVerdict } from '../review/types';
import type {
  AnalyseArgs, Analysis, CheckArgs, HunkKey, Outline, OutlineHunk, OutlineMessage, ReplyArgs, Review, RunScenarioArgs, ScenarioRun, ScenariosArgs, Share, SimulateArgs, Simulation,
} from './jobs';
import { keyOf } from './jobs';
import { withComments } from './review';
import { PartStore, type AnalysisDelta, type AnalysisPart } from './parts';

/** A request the core cannot answer as asked: said to the user as is. */
export class Unavailable extends Error {}

/** `start`: the index of the first of these messages in the document. */
export function outlineOf(patches: readonly PatchMessage[], start = 0): Outline {
  const seen = new Set<string>();
  const diagnostics: MailDiagnostic[] = [];
  const add = (d: MailDiagnostic) => {
    const k = `${d.line}\u0000${d.message}`;
    if (!seen.has(k)) { seen.add(k); diagnostics.push(d); }
  };
  for (const p of patches) {
    p.message.diagnostics.forEach(add);
    p.diagnostics.forEach(add);
  }
  return { messages: patches.map((p, i) => messageOutline(p, start + i)), diagnostics };
}

function messageOutline(p: PatchMessage, index: number): OutlineMessage {
  const m = p.message;
  return {
    index,
    subject: m.subject,
    from: m.from,
    series: m.series,
    firstLine: m.firstLine,
    lastLine: m.lastLine,
    comments: p.comments,
    files: p.files.map((f) => ({
      path: f.path,
      hunks: f.hunks.map((h) => ({
        message: index,
        hunk: h.id,
        path: h.path,
        function: h.function,
        mailLines: h.mailLines,
        lines: h.lines.map((l) => ({ op: l.op, text: l.text, mailLine: l.mailLine })),
        changed: h.lines.filter((l) => l.op !== ' ').length,
        comments: h.comments,
      })),
    })),
  };
}

function outlineHunks(outline: Outline): OutlineHunk[] {
  return outline.messages.flatMap((m) => m.files.flatMap((f) => f.hunks));
}

/**
 * Coverage and verdicts name a hunk by its place among the hunks of the patches reviewed
 * together, in mail order (`hunk` of review/types.ts); the outline's hunks, in the same order,
 * are keyed by message and their id there, which restarts in every message.
 */
export function placeCoverage(outline: Outline, coverage: readonly HunkCoverage[]): Record<string, HunkCoverage> {
  const out: Record<string, HunkCoverage> = {};
  const all = outlineHunks(outline);
  for (const c of coverage) {
    const h = all[c.hunk];
    if (h) out[keyOf(h)] = c;
  }
  return out;
}

export function placeVerdicts(outline: Outline, verdicts: readonly HunkVerdict[]): Record<string, HunkVerdict[]> {
  const out: Record<string, HunkVerdict[]> = {};
  const all = outlineHunks(outline);
  for (const v of verdicts) {
    const h = all[v.hunk];
    if (h) (out[keyOf(h)] ??= []).push(v);
  }
  return out;
}

/** Which patches to hand the core for a hunk: the whole series when its id names that hunk
 *  there (helpers defined in other patches count), else its own message alone. */
export function patchesFor(patches: readonly PatchMessage[], key: HunkKey): PatchMessage[] {
  const own = patches[key.message];
  if (!own || !own.files.some((f) => f.hunks.some((h) => h.id === key.hunk))) {
    throw new Unavailable(`No hunk ${key.hunk + 1} in message ${key.message + 1}: the mail changed since it was read.`);
  }
  const first = patches.findIndex((p) => p.files.some((f) => f.hunks.some((h) => h.id === key.hunk)));
  return first === key.message ? [...patches] : [own];
}

export function ruleSelected(rule: string, rules: readonly string[] | null): boolean {
  if (rules === null) return false;
  return rules.length === 0 || rules.some((r) => r === '*' || rule === r || rule.startsWith(r.endsWith('/') ? r : `${r}/`));
}

let ready: Promise<void> | null = null;

/** Loads the C parser's wasm once per worker. */
function parser(): Promise<void> {
  ready ??= reviewReady();
  return ready;
}

/** The worker made ready for its first read: its bundle is loaded by now, the parser here. */
export async function warm(): Promise<null> {
  await parser();
  return null;
}

/**
 * A mailbox of more messages than this is reviewed this many consecutive messages at a time:
 * the static review's cost grows faster than the mail, and a batch keeps a series' helpers
 * together in all but the largest mailboxes (as `check` does for a mailbox it streams).
 */
export const BATCH = 16;

interface Batch {
  /** The index of the batch's first message in the document. */
  start: number;
  doc: MailDocument;
}

/** The document in batches of BATCH messages, each keeping the file's line numbers. */
export function batchesOf(doc: MailDocument, size = BATCH): Batch[] {
  if (doc.messages.length <= size) return [{ start: 0, doc }];
  const out: Batch[] = [];
  for (let i = 0; i < doc.messages.length; i += size) {
    out.push({ start: i, doc: { ...doc, messages: doc.messages.slice(i, i + size), diagnostics: i === 0 ? doc.diagnostics : [] } });
  }
  return out;
}

function batches(text: string, file: string | null): Batch[] {
  return batchesOf(readMail(text, file ? { file } : {}));
}

/** Once every finding is in, a large mailbox's analysis is posted as its coverage grows: first
 *  after this many ms, then at twice the interval each time, so the editor redraws a few times,
 *  not once per batch. */
const PARTIAL_MS = 2000;

/** The batch holding a mail line first, then the others in order. */
function inReadingOrder(all: Batch[], focus: number | null | undefined): Batch[] {
  if (focus === null || focus === undefined) return all;
  const i = all.findIndex((b) => b.doc.messages.some((m) => focus >= m.firstLine && focus <= m.lastLine));
  return i <= 0 ? all : [all[i], ...all.slice(0, i), ...all.slice(i + 1)];
}

/** A share's batches: those whose number is its index modulo the shares, so that a batch is
 *  read by the same worker whichever line is in view (its memos then hold it), in reading order. */
function ofShare(all: Batch[], focus: number | null | undefined, share: Share | null | undefined): Batch[] {
  const ordered = inReadingOrder(all, focus);
  if (!share || share.of <= 1) return ordered;
  return ordered.filter((b) => all.indexOf(b) % share.of === share.index);
}

/** One batch's share of an analysis: its findings at once, its coverage once bound. */
interface Part {
  start: number;
  patches: PatchMessage[];
  outline: Outline;
  findings: Finding[];
  coverage: Review['coverage'] | null;
}

/** A batch's findings: the mail read and the static rules, no binding to the model. */
function findingsPart(b: Batch, args: AnalyseArgs): Part {
  const r = staticReview(b.doc, { file: args.file });
  const outline = { ...outlineOf(r.patches, b.start), symbols: proseSymbolsOf(r.patches) };
  return { start: b.start, patches: r.patches, outline, coverage: null, findings: r.findings.filter((f) => ruleSelected(f.rule, args.rules)) };
}

/** Coverage computed before, by a batch's first patch: a batch an edit left as it was (the same
 *  patch objects, which the review keeps for messages whose text did not change) is not bound again. */
const coverageMemo = new WeakMap<PatchMessage, { patches: PatchMessage[]; coverage: ReviewCoverage[] }>();

/** Binds a batch to the model for its coverage (what the lenses and the code actions need);
 *  false when it had been bound before. */
function cover(p: Part): boolean {
  const first = p.patches[0];
  const seen = first ? coverageMemo.get(first) : undefined;
  const same = seen && seen.patches.length === p.patches.length && seen.patches.every((x, i) => x === p.patches[i]);
  const coverage = same ? seen.coverage : staticCoverage(p.patches);
  if (first && !same) coverageMemo.set(first, { patches: p.patches, coverage });
  p.coverage = placeCoverage(p.outline, coverage);
  return !same;
}

/** Lets the worker take the messages that arrived meanwhile (a newer request). */
function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** After `busyMs` of background work, the pause in ms that keeps it to `share` of a core
 *  (none for a share that is unset or not between 0 and 1). */
export function pauseAfter(busyMs: number, share: number | undefined): number {
  return share !== undefined && share > 0 && share < 1 ? busyMs * (1 / share - 1) : 0;
}

function rest(busyMs: number, share: number | undefined): Promise<void> {
  const ms = pauseAfter(busyMs, share);
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

/** What of the parts has not been said yet: each part's read once, its coverage once. */
class Unsaid {
  private readonly read = new Set<Part>();
  private readonly covered = new Set<Part>();
  private first: boolean;

  /** `whole`: its first answer replaces what was merged before; a share's does not, as the
   *  other shares' answers merge beside it (into a store made for the read). */
  constructor(private readonly batches: number, whole = true) {
    this.first = whole;
  }

  take(parts: readonly Part[]): AnalysisDelta {
    const out: AnalysisPart[] = [];
    for (const p of parts) {
      const fresh = !this.read.has(p);
      const bound = p.coverage !== null && !this.covered.has(p);
      if (!fresh && !bound) continue;
      out.push({ start: p.start, ...(fresh ? { read: { outline: p.outline, findings: p.findings } } : {}), ...(bound ? { coverage: p.coverage! } : {}) });
      this.read.add(p);
      if (p.coverage !== null) this.covered.add(p);
    }
    const whole = this.first;
    this.first = false;
    return { batches: this.batches, whole, parts: out };
  }
}

/**
 * Fast: the mail read and the static rules, for every keystroke (debounced). A mailbox of
 * several batches is read the one in view first, then the findings of every other batch,
 * which is every diagnostic; then the batches are bound to the model for their coverage (what
 * the lenses need), the slow part, the one in view first. `post` receives what is new since
 * it was last called (PartStore merges it): after each batch read (the one in view first),
 * once the batch in view is bound, and then every PARTIAL_MS (doubling) while the coverage
 * grows; the answer is what is new since the last post. When `superseded` says a request
 * waits behind this one, binding stops and the analysis says what is left (`unfinished`): that
 * request goes first, and a read after it binds only what is not yet bound; when `abandoned`
 * says the host will drop the answer, the read stops at once. The batches out of view are
 * bound at `args.background` of a core. With `args.share`, only that share's batches are read
 * and bound, the one in view first if it is the share's: the shares' answers merged make the
 * analysis (each answer counts every batch of the mailbox, so what is unfinished is right).
 */
export async function analyseParts(
  args: AnalyseArgs, post?: (d: AnalysisDelta) => void, superseded: () => boolean = () => false, abandoned: () => boolean = () => false,
): Promise<AnalysisDelta> {
  await parser();
  const every = batches(args.text, args.file);
  const all = ofShare(every, args.focus, args.share);
  const parts: Part[] = [];
  const unsaid = new Unsaid(every.length, !args.share || args.share.of <= 1);
  let posted = performance.now();
  let interval = PARTIAL_MS;
  const postNow = (timed: boolean) => {
    if (!post || (timed && performance.now() - posted <= interval)) return;
    post(unsaid.take(parts));
    if (timed) interval *= 2;
    posted = performance.now();
  };
  for (const [i, b] of all.entries()) {
    // A read the host will drop (the mail changed since) stops here: between batches the
    // worker takes the word (see turn()).
    if (i > 0 && (await turn(), abandoned())) return unsaid.take(parts);
    const p = findingsPart(b, args);
    parts.push(p);
    // Each batch is posted as it is read, so that what crosses to the editor when the last
    // batch is in is that batch, not the whole mailbox; the server and the editor redraw only
    // for the batch in view and for the last (see readLoop in src/lsp/server.ts).
    if (every.length > 1) postNow(false);
  }
  // Each read binds one batch at least before it gives way: two large mailboxes read in turn
  // both get on.
  let bound = 0;
  for (const p of parts) {
    if (p.coverage !== null) continue;
    await turn();
    if (abandoned() || (bound > 0 && superseded())) break;
    const t = performance.now();
    if (cover(p)) bound++;
    // The first bound is the batch in view (the share's first): its lenses are wanted at once.
    postNow(every.length === 1 || bound > 1);
    if (bound > 1) await rest(performance.now() - t, args.background);
  }
  return unsaid.take(parts);
}

/** analyseParts' answers merged: the analysis so far to `partial`, the whole at the end. */
export async function analyse(args: AnalyseArgs, partial?: (a: Analysis) => void, superseded: () => boolean = () => false): Promise<Analysis> {
  const store = new PartStore();
  const last = await analyseParts(args, (d) => { store.add(d); partial?.(store.analysis()); }, superseded);
  store.add(last);
  return store.analysis();
}

/** The full check: static findings confirmed or contradicted by simulation, and every hunk's verdicts. */
export async function check(args: CheckArgs, progress: (text: string) => void): Promise<Analysis> {
  await parser();
  progress('reading the mail and simulating its hunks');
  const r = await checkMail(args.text, { file: args.file, tree: args.tree ?? undefined, budget: args.budget, deadlineMs: args.deadlineMs });
  const outline = { ...outlineOf(r.patches), symbols: proseSymbolsOf(r.patches) };
  return {
    outline,
    review: { findings: r.findings, coverage: placeCoverage(outline, r.coverage), verdicts: placeVerdicts(outline, r.verdicts), bounded: r.bounded },
    notices: [],
  };
}

/** The patches a hunk is simulated with, and its key among them: its batch's (see BATCH). */
function patchesOfHunk(text: string, file: string | null, key: HunkKey): { patches: PatchMessage[]; key: HunkKey } {
  const b = batches(text, file).find((x) => key.message >= x.start && key.message < x.start + x.doc.messages.length);
  if (!b) throw new Unavailable(`No message ${key.message + 1} in the mail: it changed since it was read.`);
  const local = { message: key.message - b.start, hunk: key.hunk };
  return { patches: patchesFor(staticReview(b.doc, { file }).patches, local), key: local };
}

/** Every message's patch, batch by batch. */
function reread(text: string, file: string | null): PatchMessage[] {
  return batches(text, file).flatMap((b) => staticReview(b.doc, { file }).patches);
}

export async function simulate(args: SimulateArgs, progress: (text: string) => void): Promise<Simulation> {
  await parser();
  const { patches, key } = patchesOfHunk(args.text, args.file, args.key);
  const opts = { without: args.without ?? undefined, budget: args.budget, tree: args.tree ?? undefined };
  const binding = bindPatches(patches, bindOptions(opts));
  const threads = args.threads?.trim() || null;
  if (threads) return simulateThreads(args, patches, key.hunk, threads, { ...opts, binding }, progress);
  const names = args.scenario ? [args.scenario] : scenariosForHunk(patches, key.hunk, binding);
  const verdicts: HunkVerdict[] = [];
  // One scenario at a time, so the progress names the one being explored.
  for (const [i, scenario] of names.entries()) {
    progress(`exploring ${scenario}${names.length > 1 ? ` (${i + 1} of ${names.length})` : ''}`);
    verdicts.push(...(await simulateHunk(patches, key.hunk, { ...opts, scenario, binding })).verdicts);
  }
  // Coverage is what every scenario ran (their runs are remembered: nothing runs twice).
  const coverage: HunkCoverage | null = (await simulateHunk(patches, key.hunk, { ...opts, scenario: args.scenario ?? undefined, binding })).coverage;
  return { key: args.key, era: `${binding.era.name} ${binding.era.version}`, scenario: args.scenario, threads: null, without: args.without, coverage, verdicts };
}

/** One of the model's scenarios run with its reference functions, exhaustively within the budget. */
export async function runScenario(args: RunScenarioArgs, progress: (text: string) => void): Promise<ScenarioRun> {
  await parser();
  const spec = scenarioSpec(args.scenario);
  const era = eraOfScenario(spec);
  progress(`running scenario ${args.scenario} in the model's ${era.name} ${era.version}`);
  return { scenario: args.scenario, era: `${era.name} ${era.version}`, verdict: explore(buildScenario(args.scenario), args.budget) };
}

export function threadKinds(): { kind: string; doc: string }[] {
  return Object.entries(THREAD_KINDS).map(([kind, k]) => ({ kind, doc: k.doc }));
}

/** The reviewer's own threads, composed as `model run --threads` takes them. */
async function simulateThreads(
  args: SimulateArgs, patches: PatchMessage[], hunk: number, threads: string,
  opts: { without?: number; budget: SimulateArgs['budget']; tree?: string; binding: ReturnType<typeof bindPatches> },
  progress: (text: string) => void,
): Promise<Simulation> {
  try {
    scenarioSpec(args.scenario, threads);
  } catch (e) {
    throw new Unavailable(`threads ${threads}: ${e instanceof Error ? e.message : String(e)}`);
  }
  progress(`exploring ${threads}`);
  const r = await simulateHunk(patches, hunk, { ...opts, scenario: args.scenario ?? undefined, threads });
  return { key: args.key, era: `${opts.binding.era.name} ${opts.binding.era.version}`, scenario: args.scenario, threads, without: args.without, coverage: r.coverage, verdicts: r.verdicts };
}

export async function scenarios(args: ScenariosArgs): Promise<string[]> {
  await parser();
  const { patches, key } = patchesOfHunk(args.text, args.file, args.key);
  return scenariosForHunk(patches, key.hunk);
}

/** The reply a reviewer would send: with the findings given (a full check's), else after one. */
export async function reply(args: ReplyArgs, progress: (text: string) => void): Promise<string> {
  await parser();
  let findings: Finding[];
  let patches: PatchMessage[];
  // The coverage of a check run here: the reply gives a verdict only on what the model ran
  // (findings handed in come without it, so that reply gives none).
  let ran: { coverage?: ReviewCoverage[]; bounded?: Undecided[] } = {};
  if (args.findings) {
    findings = args.findings;
    patches = reread(args.text, args.file);
  } else {
    progress('checking the mail, with simulation, for the reply');
    const r = await checkMail(args.text, { file: args.file, tree: args.tree ?? undefined, budget: args.budget, deadlineMs: args.deadlineMs });
    findings = r.findings;
    patches = r.patches;
    ran = { coverage: r.coverage, bounded: r.bounded };
  }
  if (args.only) {
    const want = new Set(args.only.map((o) => `${o.rule}@${o.line}`));
    findings = findings.filter((f) => want.has(`${f.rule}@${f.line}`));
  }
  return withComments(draftReply(args.text, { findings, patches, ...ran }), args.comments ?? []);
}
