// Binding a patch to the model: its hunks applied to the era's kernel C (or to the user's kernel
// tree) the way `git apply` would, every touched function rebuilt whole before and after, and
// both lowered by the one lowering the reference goes through (src/model/core/lower.ts). A
// function the patch defines is lowered too, so a modelled function that calls it runs it.
//
// Where the mail's base is another kernel version than the model's and a hunk does not place,
// the function's post-image is the mail's lines laid over the reference's function
// (src/c/complete.ts): the reference fills only what the mail leaves out.
import type { Hunk, PatchMessage } from '../patch/types';
import type { FunctionImage, RebuiltFunction, TreeFailure } from '../c/types';
import { applyToTree, dirTree, type TreeSource } from '../c/tree';
import { completeFromBase } from '../c/complete';
import { rebuildFunctions } from '../c/images';
import { eraFunctionNames, eraFunctions, eraFunctionText, eraWhere, imageText, referenceTree, type Era } from '../model/core/era';
import { lowerC, type Assumption } from '../model/core/lower';
import { argsAt } from '../model/core/macros';
import { RADIX_ERA } from '../model/eras/radix/index';
import { ERAS, identifyEra, protocolOf, type EraInfo } from '../model/eras/index';
import type { Func } from '../model/ir';
import { link } from '../model/index';

/** One side of a touched function: its image, and its IR when it lowered. */
export interface BoundSide {
  image: FunctionImage | null;
  func: Func | null;
  /** Why there is no IR for this side (not whole, does not lower, does not link). */
  why: string | null;
  /** Calls and fields outside the model the lowering took as assumptions (explored as choices). */
  assumptions: Assumption[];
  /** The mail lines "what if this line were removed" left out of the image with the line asked
   *  about: the release of the lock it takes, or the acquire of the lock it releases. */
  removed?: number[];
}

export interface BoundFunction {
  name: string;
  path: string | null;
  /** How it was rebuilt: its hunks placed in the reference or tree ('applied'), the mail's lines
   *  over the reference's function ('completed'), the mail's own whole function ('mail'), or
   *  not whole ('partial'). */
  how: 'applied' | 'completed' | 'mail' | 'partial';
  /** The era models the function (the reference has it). */
  modelled: boolean;
  /** The tree (or the reference) already holds the patch's text of it: git apply -R would apply. */
  inTree?: boolean;
  /** The era of fs/dax.c its message is written against, when the model does not have it. */
  otherEra?: string;
  pre: BoundSide;
  post: BoundSide;
  hunks: number[];
}

/** The era a message's code is written against, and the identifiers that say so. */
export interface MessageEra {
  /** The message's index in the patches bound. */
  message: number;
  era: string;
  kernels: string;
  /** The model has this era: its functions run. */
  modelled: boolean;
  /** Identifiers only that era's code uses; empty when nothing era-specific was seen (the
   *  model's era is assumed). */
  evidence: string[];
  /** Where the evidence was read: the message's hunks, or the kernel tree's fs/dax.c. */
  from: 'hunks' | 'tree';
}

export interface Binding {
  era: Era;
  /** Per message, the era its code is written against. */
  eras: MessageEra[];
  functions: BoundFunction[];
  /** Hunks that did not apply to the user's tree (tree mode), or placed with a note. */
  failures: TreeFailure[];
  /** The IR of each side that lowered and links: the functions that replace or join the reference. */
  pre: Record<string, Func>;
  post: Record<string, Func>;
  /** Functions the patch adds that the tree already holds (the tree has the patch): before the
   *  patch they do not exist, so a run that reaches one has no code before the patch to compare with. */
  added: string[];
}

export interface BindOptions {
  /** A kernel checkout: functions are rebuilt whole from it instead of the reference. */
  tree?: string | TreeSource;
  /** A mail line left out of every post-image ("what if this line were removed"). */
  without?: number;
  era?: Era;
}

/** The model's era patches are bound to: the modelled era most of their messages are written
 *  against (by the identifiers only that era's code uses, or the tree's fs/dax.c), in the version
 *  of it they fit best; the radix era when none says. */
export function eraOf(patches: PatchMessage[], opts: BindOptions = {}): Era {
  const votes = new Map<EraInfo, number>();
  const modelled = ERAS.filter((e) => e.era);
  for (const pm of patches) {
    const written = messageEra(pm, 0, opts, RADIX_ERA);
    // Nothing era-specific: the era whose C defines the functions the message touches, when one does more than the others.
    const info = written.evidence.length ? modelled.find((e) => e.name === written.era) : definingEra(pm, modelled.filter((e) => !e.subsystem));
    if (info) votes.set(info, (votes.get(info) ?? 0) + 1);
  }
  let best: EraInfo | null = null;
  for (const [info, n] of votes) if (!best || n > votes.get(best)!) best = info;
  return best ? versionOf(best, patches) : RADIX_ERA;
}

/** The one era whose C defines more of the functions a message touches than any other's (a
 *  caller only one era's kernel has, such as XFS's break layouts, counts as much as fs/dax.c);
 *  where eras tie (both define them: the fault paths, the invalidation), the one whose functions
 *  hold more of the code the hunks show before the patch, since a hunk applies to one era's text
 *  and not the other's; else undefined. */
function definingEra(pm: PatchMessage, eras: readonly EraInfo[]): EraInfo | undefined {
  const names = mailFunctionsOf(pm).map((f) => f.name);
  const defines = (v: Era, n: string): boolean => eraFunctionText(v, n) !== null;
  const counts = eras.map((e) => names.filter((n) => e.versions.some((v) => defines(v, n))).length);
  const top = Math.max(0, ...counts);
  if (top === 0) return undefined;
  const tied = eras.filter((_e, i) => counts[i] === top);
  if (tied.length === 1) return tied[0];
  const hunks = pm.files.flatMap((f) => f.hunks);
  const fits = tied.map((e) => Math.max(...e.versions.map((v) => preImageFit(v, hunks))));
  const best = Math.max(...fits);
  return best > 0 && fits.filter((x) => x === best).length === 1 ? tied[fits.indexOf(best)] : undefined;
}

/** How many of the code lines the hunks show of the code before the patch (context and removed
 *  lines, comments, braces and blank lines aside) the era's function of each hunk holds. */
function preImageFit(era: Era, hunks: readonly Hunk[]): number {
  const norm = (t: string): string => t.trim().replace(/\s+/g, ' ');
  const code = (t: string): boolean => t !== '' && !/^(\/\*|\*|\/\/)/.test(t) && !/^[{}]$/.test(t);
  let found = 0;
  for (const h of hunks) {
    const fn = h.function ? eraFunctionText(era, h.function) : null;
    if (!fn) continue;
    const have = new Set(fn.lines.map(norm));
    found += h.lines.filter((l) => l.op !== '+').map((l) => norm(l.text)).filter((t) => code(t) && have.has(t)).length;
  }
  return found;
}

/**
 * The version of an era the patches fit best: the one whose functions their calls fit (the
 * number of arguments a call gives a function of the era the patch does not define itself),
 * then the one whose functions hold the most of the code lines their hunks show of the code
 * before the patch (comments and blank lines aside), then the one whose own identifiers they
 * use most, then the one nearest the mail's date (the latest released before it, else the first
 * after it), then the latest. A design no kernel took (Era.proposal) is a candidate only for
 * patches that use its own identifiers.
 */
function versionOf(info: EraInfo, patches: PatchMessage[]): Era {
  const hunks = patches.flatMap((pm) => pm.files.flatMap((f) => f.hunks));
  const words = new Set(identifiers(hunks.flatMap((h) => h.lines.map((l) => l.text)).join('\n')));
  const ownWords = (era: Era): number => (era.words ?? []).filter((w) => words.has(w) || [...words].some((x) => x.startsWith(`${w}_`))).length;
  const sent = latestDate(patches);
  const versions = info.versions.filter((v) => !v.proposal || ownWords(v) > 0);
  if (versions.length < 2) return versions[0] ?? info.era!;
  // Any version out before the mail beats every one after it; the nearer the better.
  const nearDate = (era: Era): number => {
    const out = era.released ? Date.parse(era.released) : NaN;
    return sent === null || Number.isNaN(out) ? 0 : out <= sent ? out : -out;
  };
  const own = new Set(patches.flatMap((pm) => mailFunctionsOf(pm).map((f) => f.name)));
  const texts = hunks.map((h) => h.lines.map((l) => l.text).join('\n'));
  const score = (era: Era): number[] => {
    const params = new Map(eraFunctions(era).map((f) => [f.name, f.params.length]));
    let misfits = 0;
    for (const text of texts) {
      for (const m of text.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)) {
        const n = params.get(m[1]);
        if (n === undefined || own.has(m[1])) continue;
        const call = argsAt(text, m.index! + m[0].length - 1);
        if (call && !/^\s*(static|void|int|bool|struct|unsigned)\b/.test(text.slice(text.lastIndexOf('\n', m.index!) + 1, m.index!)) && call.args.length !== n) misfits++;
      }
    }
    return [-misfits, preImageFit(era, hunks), ownWords(era), nearDate(era)];
  };
  const better = (a: number[], b: number[]): boolean => { for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] > b[i]; return false; };
  let best = versions[versions.length - 1];
  let top = score(best);
  for (const era of versions.slice(0, -1).reverse()) {
    const s = score(era);
    if (better(s, top)) { best = era; top = s; }
  }
  return best;
}

/** When the last of the messages was sent (ms since the epoch), or null when none says. */
function latestDate(patches: PatchMessage[]): number | null {
  const dates = patches.map((pm) => (pm.message.date ? Date.parse(pm.message.date) : NaN)).filter((d) => !Number.isNaN(d));
  return dates.length ? Math.max(...dates) : null;
}

/** Identifiers of C text. */
function identifiers(text: string): string[] {
  return text.match(/[A-Za-z_]\w*/g) ?? [];
}

/** The era a message is written against: by the kernel tree's fs/dax.c when one is given, else by
 *  the identifiers its hunks use. */
function messageEra(pm: PatchMessage, i: number, opts: BindOptions, modelled: Era): MessageEra {
  const tree = typeof opts.tree === 'string' ? dirTree(opts.tree) : opts.tree ?? null;
  const treeDax = tree?.read('fs/dax.c') ?? null;
  const from = treeDax !== null ? 'tree' : 'hunks';
  const text = treeDax ?? pm.files.flatMap((f) => f.hunks.flatMap((h) => h.lines.map((l) => l.text))).join('\n');
  const found = identifyEra(identifiers(text));
  const info: EraInfo | undefined = found?.info;
  return {
    message: i, era: info?.name ?? modelled.name, kernels: info?.kernels ?? '',
    modelled: !info || info.era !== null, evidence: found?.evidence ?? [], from,
  };
}

/** A message of an era the model does not have: its functions as the mail shows them, none run. */
function otherEra(pm: PatchMessage, e: MessageEra, era: Era): BoundFunction[] {
  const words = e.evidence.slice(0, 3).join(', ');
  return mailFunctionsOf(pm).map((f) => {
    const why = e.modelled
      ? `${f.name}() is ${e.era}-era code (fs/dax.c of ${e.kernels}: ${words}); this mail is run against the ${era.name} era (${era.version}), the era of most of its messages, so it does not run it`
      : `${f.name}() is ${e.era}-era code (fs/dax.c of ${e.kernels}: ${words}); the model does not have that era, so it does not run it`;
    return { name: f.name, path: f.path, how: 'partial', modelled: false, otherEra: e.era, hunks: f.hunks, pre: side(f.pre, why), post: side(f.post, why) };
  });
}

/** Whether the mail names a hunk's file: its own diff header does (or the commit's diffstat). A
 *  hunk after a cut that took the file of the hunk before it (pathSource 'inherited') may be in
 *  another file: the reviewer cut the header with the lines. */
export function fileNamed(h: Hunk): boolean {
  return h.path !== null && (h.pathSource === 'header' || h.pathSource === 'inferred');
}

/**
 * Hunks whose file the mail does not name, placed in the file that defines their function: the
 * era's (the model's own C), or with a kernel tree the tree's file of that name, when its text
 * defines the function. A hunk the file before the cut does define stays there. Each placement
 * in a tree is said (a note, applied).
 */
function placeUnnamed(pm: PatchMessage, era: Era, tree: TreeSource | null, notes: TreeFailure[]): PatchMessage {
  const defines = (path: string, fn: string): boolean => {
    if (!tree) return eraFunctionText(era, fn)?.path === path;
    const text = tree.read(path);
    return !!text && new RegExp(`^[A-Za-z_][\\w\\s*]*\\b${fn}\\s*\\([^;]*$`, 'm').test(text);
  };
  let changed = false;
  const files = pm.files.map((f) => {
    const hunks = f.hunks.map((h): Hunk => {
      if (fileNamed(h) || !h.function) return h;
      if (h.path !== null && defines(h.path, h.function)) return h;
      const p = eraFunctionText(era, h.function)?.path ?? null;
      if (!p || !defines(p, h.function)) return h;
      changed = true;
      if (tree) notes.push({ hunk: h.id, mailLine: h.mailLines[0], applied: true, reason: `the mail does not name this hunk's file: placed in ${p}, where ${tree.name} defines ${h.function}()` });
      return { ...h, path: p, pathSource: 'inferred' };
    });
    const paths = new Set(hunks.map((h) => h.path));
    const [only] = paths;
    return paths.size === 1 && only && only !== f.path ? { ...f, path: only, oldPath: only, newPath: only, hunks } : { ...f, hunks };
  });
  return changed ? { ...pm, files: regroup(files) } : pm;
}

/** A message's hunks whose file the mail does not name, placed in the kernel tree's file that
 *  defines their function (the file the model's era has it in); each placement is noted. */
export function placeUnnamedInTree(pm: PatchMessage, tree: string | TreeSource, notes: TreeFailure[]): PatchMessage {
  const source = typeof tree === 'string' ? dirTree(tree) : tree;
  return placeUnnamed(pm, eraOf([pm], { tree: source }), source, notes);
}

/** Files whose hunks were placed apart: one file per path, hunks in mail order. */
function regroup(files: PatchMessage['files']): PatchMessage['files'] {
  const out: PatchMessage['files'] = [];
  for (const f of files) {
    for (const h of f.hunks) {
      const path = h.path ?? f.path;
      let g = out.find((x) => x.path === path);
      if (!g) out.push((g = { ...f, path, oldPath: path === f.path ? f.oldPath : path, newPath: path === f.path ? f.newPath : path, hunks: [] }));
      g.hunks.push(h);
    }
  }
  return out;
}

/** The first lines of the image's statements: [first, last] index of each, in order. */
function statementsOf(img: FunctionImage): [number, number][] {
  // A line of its own ends a statement: a preprocessor line, a comment or a blank line.
  const ends = (t: string): boolean => /[;{}]\s*(\/\*.*\*\/)?\s*$/.test(t) || /^\s*#/.test(t) || /^\s*(\/\*.*\*\/|\/\/.*)?\s*$/.test(t);
  const out: [number, number][] = [];
  for (let i = 0; i < img.lines.length; i++) {
    let end = i;
    while (!ends(img.lines[end].text) && end + 1 < img.lines.length) end++;
    out.push([i, end]);
    i = end;
  }
  return out;
}

/** A statement that is one call: its name and its arguments' text, whitespace squashed. */
function callOf(text: string): { name: string; args: string } | null {
  const m = /^\s*([A-Za-z_]\w*)\s*\((.*)\)\s*;\s*(\/\*.*\*\/)?\s*$/.exec(text);
  return m ? { name: m[1], args: m[2].replace(/\s+/g, '') } : null;
}

/** Whether a call takes a lock (or another resource) the protocol says its caller then holds. */
function acquireClass(name: string): string | null {
  const e = protocolOf(name)?.effects.find((x) => x.op === 'acquire' && typeof x.handle === 'number');
  return e && e.op === 'acquire' ? e.cls : null;
}

function releases(name: string, cls: string): boolean {
  return !!protocolOf(name)?.effects.some((x) => x.op === 'release' && x.cls === cls);
}

/** The statement that releases what statement k takes (the next release with the same
 *  arguments), or that takes what statement k releases (the previous acquire), if any. */
function lockPair(stmts: [number, number][], k: number, text: (st: [number, number]) => string): [number, number] | undefined {
  const call = callOf(text(stmts[k]));
  if (!call) return undefined;
  const same = (st: [number, number], ok: (name: string) => boolean): boolean => {
    const c = callOf(text(st));
    return c !== null && c.args === call.args && ok(c.name);
  };
  const cls = acquireClass(call.name);
  if (cls) return stmts.slice(k + 1).find((st) => same(st, (n) => releases(n, cls)));
  return stmts.slice(0, k).reverse().find((st) => same(st, (n) => {
    const c = acquireClass(n);
    return c !== null && releases(call.name, c);
  }));
}

/**
 * The image without a mail line's statement (the line, and the lines its statement continues
 * on). A statement that takes a lock goes with the statement that releases it with the same
 * arguments further on (and a release with its acquire): the question is whether the critical
 * section is needed, and a lock taken and never released answers nothing. The mail lines of
 * the statement that went with it come back too.
 */
function withoutLine(img: FunctionImage | null, line: number | undefined): { image: FunctionImage | null; removed: number[] } {
  const at = img && line !== undefined ? img.lines.findIndex((l) => l.mailLine === line) : -1;
  if (!img || at < 0) return { image: img, removed: [] };
  const stmts = statementsOf(img);
  const k = stmts.findIndex(([a, b]) => at >= a && at <= b);
  const cut: [number, number][] = [[at, stmts[k][1]]];
  const text = (st: [number, number]): string => img.lines.slice(st[0], st[1] + 1).map((l) => l.text).join(' ');
  const pair = lockPair(stmts, k, text);
  if (pair) cut.push(pair);
  const gone = new Set(cut.flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_x, i) => a + i)));
  const withIt = pair ? img.lines.slice(pair[0], pair[1] + 1).map((l) => l.mailLine).filter((x): x is number => x !== null) : [];
  return { image: { ...img, lines: img.lines.filter((_l, i) => !gone.has(i)) }, removed: withIt };
}

function side(image: FunctionImage | null, why: string | null = null): BoundSide {
  return { image, func: null, why, assumptions: [] };
}

/** Rebuilds the touched functions of one message against the reference or a tree. */
function rebuild(pm: PatchMessage, era: Era, opts: BindOptions, failures: TreeFailure[]): BoundFunction[] {
  const names = eraFunctionNames(era);
  const tree = opts.tree ?? referenceTree(era);
  const given = typeof opts.tree === 'string' ? dirTree(opts.tree) : opts.tree ?? null;
  const notes: TreeFailure[] = [];
  const r = applyToTree(placeUnnamed(pm, era, given, notes), given ?? tree);
  if (opts.tree !== undefined) failures.push(...notes, ...r.failures);
  const failed = new Set(r.failures.filter((x) => !x.applied).map((x) => x.hunk));
  const inTree = new Set(r.failures.filter((x) => x.applied && x.reason.startsWith('already in ')).map((x) => x.hunk));
  // By file and name: a header's stub of a function (a configuration without the feature) is
  // not the function of the same name in the .c file.
  const where = (f: { path: string | null; name: string }): string => `${f.path ?? ''}\u0000${f.name}`;
  const fromMail = new Map(rebuildFunctions(pm).map((f) => [where(f), f]));
  return r.functions.map((f) => {
    const modelled = names.has(f.name);
    // Every side the function has came whole from the tree: a function the patch removes or
    // renames has only its pre-image.
    const sides = [f.pre, f.post].filter((s): s is FunctionImage => s !== null);
    const placed = sides.length > 0 && sides.every((s) => s.source === 'tree' && s.whole) && !f.hunks.some((h) => failed.has(h));
    const base: Omit<BoundFunction, 'how' | 'pre' | 'post'> = {
      name: f.name, path: f.path, modelled, hunks: f.hunks, ...(f.hunks.some((h) => inTree.has(h)) ? { inTree: true } : {}),
    };
    if (placed) return { ...base, how: 'applied', pre: side(f.pre), post: side(f.post) };
    const mail: RebuiltFunction = fromMail.get(where(f)) ?? f;
    const ref = opts.tree === undefined && modelled ? eraFunctionText(era, f.name) : null;
    if (ref && mail.post) {
      // The mail's base is another kernel version: its post-image is laid over the model's
      // function, and so is its pre-image (rebuild() keeps it only while it has the model's
      // signature: bindPatches checks, else the model's function stands for it).
      const post = completeFromBase(mail.post, ref.lines);
      if (post) {
        const pre = mail.pre ? completeFromBase(mail.pre, ref.lines) : null;
        return { ...base, how: 'completed', pre: side(pre?.image ?? referenceImage(f.name, ref)), post: side(post.image) };
      }
    }
    if (mail.post?.whole || (!mail.post && mail.pre?.whole)) {
      // A side the mail does not show whole (the function was rewritten: its old body in
      // pieces, its new one whole) is completed from the model's function, or the model's
      // function stands for it; code with pieces missing is never run as it is.
      const whole = (img: FunctionImage | null): BoundSide => {
        if (!img || img.whole) return side(img);
        const done = ref ? completeFromBase(img, ref.lines) : null;
        if (done) return side(done.image);
        return ref ? side(referenceImage(f.name, ref)) : side(img, `${f.name}() is not whole in the mail`);
      };
      return { ...base, how: 'mail', pre: whole(mail.pre), post: whole(mail.post) };
    }
    const why = `${f.name}() is not whole in the mail${modelled ? ' and its lines do not align with the reference\'s' : ''}`;
    return { ...base, how: 'partial', pre: side(mail.pre, why), post: side(mail.post, why) };
  });
}

/** The model's own text of a function, as an image with no mail lines. */
function referenceImage(name: string, ref: { path: string; lines: string[] }): FunctionImage {
  return {
    name, side: 'pre', path: ref.path, whole: true, gaps: [], source: 'tree',
    lines: ref.lines.map((text) => ({ text, op: null, mailLine: null, hunk: null })),
  };
}

/** The longest function (in lines, and in characters) the model reads; fs/dax.c's longest
 *  function of any era is a few hundred lines. A longer one is set aside and said so. */
export const MAX_FUNCTION_LINES = 5000;
export const MAX_FUNCTION_CHARS = 256 * 1024;

/** Why an image is too long to read, or null. */
export function tooLong(img: FunctionImage): string | null {
  const chars = img.lines.reduce((n, l) => n + l.text.length + 1, 0);
  if (img.lines.length > MAX_FUNCTION_LINES) return `${img.lines.length} lines, more than the ${MAX_FUNCTION_LINES}`;
  if (chars > MAX_FUNCTION_CHARS) return `${chars} characters, more than the ${MAX_FUNCTION_CHARS}`;
  return null;
}

/** Lowers one side; tolerant: what is outside the model is an assumption, not an error. */
function lowerSide(s: BoundSide, era: Era, known: ReadonlySet<string>, kernel: string): void {
  if (!s.image || s.why) return;
  const long = tooLong(s.image);
  if (long) { s.why = `${s.image.name}() has ${long} the model reads: not run`; return; }
  const l = lowerC(imageText(s.image), era.api, { file: s.image.path ?? '?', known, strict: false, kernel });
  const f = l.funcs.find((g) => g.name === s.image!.name);
  if (!f) {
    const e = l.errors[0];
    s.why = e ? `${e.why.replace(/^[^:]*:(\d+): /, (_m, row: string) => `${mailLineOf(s.image!, Number(row) - 1)}: `)}` : `${s.image.name}(): no function definition found`;
    return;
  }
  s.func = f;
  s.assumptions = l.assumptions;
}

/** "mail line N" of an image row, or "the reference" for a row the mail does not show. */
function mailLineOf(img: FunctionImage, row: number): string {
  const l = img.lines[row]?.mailLine;
  return l === null || l === undefined ? 'in the reference' : `line ${l}`;
}

/** What binding one message gives before linking: its touched functions, lowered. */
interface MessageBinding { functions: BoundFunction[]; failures: TreeFailure[] }

/** Messages bound before, by message and by what else their binding depended on: an edit to one
 *  message of a long mbox rebinds that message alone. The most recent are kept, so memory stays
 *  bounded however long the mbox a check streams through. */
const boundMessages = new Map<PatchMessage, Map<string, MessageBinding>>();
const BOUND_MESSAGES = 512;

/**
 * Rebuilds and lowers one message's touched functions; `known` are the functions calls may name,
 * `wanted` the functions outside the era that a modelled function calls: only those of the
 * functions outside the era are lowered, since nothing else can run them.
 */
function bindMessage(pm: PatchMessage, era: Era, opts: BindOptions, known: ReadonlySet<string>, wanted: ReadonlySet<string>, written: MessageEra): MessageBinding {
  if (!written.modelled || (written.evidence.length && written.era !== era.name)) return { functions: otherEra(pm, written, era), failures: [] };
  const key = typeof opts.tree === 'object' ? null
    : `${era.name} ${era.version}\u0000${opts.tree ?? ''}\u0000${opts.without ?? ''}\u0000${[...known].sort().join(',')}\u0000${[...wanted].sort().join(',')}`;
  const hit = key === null ? undefined : boundMessages.get(pm)?.get(key);
  if (hit) return hit;
  const failures: TreeFailure[] = [];
  const functions = hugeHunk(pm) ? setAside(pm, era) : rebuild(pm, era, opts, failures);
  const reference = new Map(eraFunctions(era).map((f) => [f.name, f]));
  for (const f of functions) {
    // A definition in another file than the era's (a header's stub for a configuration without
    // the feature) is not the function the model runs.
    const home = eraWhere(era).get(f.name)?.path;
    if (home && f.path && home !== f.path) {
      const why = `${f.name}() in ${f.path} is another definition than the one in ${home} (a stub for another configuration): the model runs ${home}'s`;
      f.pre = side(null, why);
      f.post = side(null, why);
      continue;
    }
    const cut = withoutLine(f.post.image, opts.without);
    f.post.image = cut.image;
    if (cut.removed.length) f.post.removed = cut.removed;
    if (!f.modelled && !wanted.has(f.name)) {
      const why = `${f.name}() is outside the model, and no function the model runs calls it`;
      f.pre.why ??= why;
      f.post.why ??= why;
      continue;
    }
    const kernel = reference.get(f.name)?.kernel ?? 'as the patch writes it';
    lowerSide(f.pre, era, known, f.modelled ? `${kernel}, as the mail has it before the patch` : kernel);
    // A pre-image of another kernel version stands for the code before the patch only when the
    // model runs it as it is: with the signature the model's callers call, and nothing outside
    // the model. Otherwise the model's own function stands for it.
    const ref = reference.get(f.name);
    if (f.how === 'completed' && ref && (!f.pre.func || f.pre.assumptions.length || f.pre.func.params.join() !== ref.params.join())) {
      const text = eraFunctionText(era, f.name);
      f.pre = side(text ? referenceImage(f.name, text) : null);
      lowerSide(f.pre, era, known, kernel);
    }
    lowerSide(f.post, era, known, f.modelled ? `${kernel}, as the patch changes it` : 'as the patch writes it');
  }
  const out = { functions, failures };
  if (key !== null) {
    let m = boundMessages.get(pm);
    if (!m) {
      if (boundMessages.size >= BOUND_MESSAGES) boundMessages.delete(boundMessages.keys().next().value!);
      boundMessages.set(pm, (m = new Map()));
    }
    if (m.size > 8) m.clear();
    m.set(key, out);
  }
  return out;
}

/** A hunk longer than the longest function the model reads: placing it would cost more than it tells. */
function hugeHunk(pm: PatchMessage): boolean {
  return pm.files.some((f) => f.hunks.some((h) => h.lines.length > MAX_FUNCTION_LINES));
}

/** A message's functions as the mail has them, none run: they are too long to read. */
function setAside(pm: PatchMessage, era: Era): BoundFunction[] {
  const names = eraFunctionNames(era);
  return rebuildFunctions(pm).map((f) => {
    const why = `${f.name}() is longer than the ${MAX_FUNCTION_LINES} lines the model reads: not run`;
    return { name: f.name, path: f.path, how: 'partial', modelled: names.has(f.name), hunks: f.hunks, pre: side(f.pre, why), post: side(f.post, why) };
  });
}

/** The functions a message touches as the mail shows them, without lowering anything. */
const mailImages = new WeakMap<PatchMessage, RebuiltFunction[]>();
function mailFunctionsOf(pm: PatchMessage): RebuiltFunction[] {
  let n = mailImages.get(pm);
  if (!n) mailImages.set(pm, (n = rebuildFunctions(pm)));
  return n;
}

/** Functions outside the era that a modelled function of the patch calls, and those they call. */
function wantedOutside(patches: PatchMessage[], era: Era): Set<string> {
  const names = eraFunctionNames(era);
  const fns = patches.flatMap(mailFunctionsOf);
  const text = (f: RebuiltFunction): string => [f.pre, f.post].map((img) => imageText(img)).join('\n');
  const outside = new Set(fns.map((f) => f.name).filter((n) => !names.has(n)));
  const wanted = new Set<string>();
  let work = fns.filter((f) => names.has(f.name));
  while (work.length) {
    const called = work.flatMap((f) => [...text(f).matchAll(/\b([A-Za-z_]\w*)\s*\(/g)].map((m) => m[1]));
    const fresh = called.filter((n) => outside.has(n) && !wanted.has(n));
    for (const n of fresh) wanted.add(n);
    work = fns.filter((f) => fresh.includes(f.name));
  }
  return wanted;
}

/** The patch, bound: every touched function before and after, lowered and checked to link. */
export function bindPatches(patches: PatchMessage[], opts: BindOptions = {}): Binding {
  const era = opts.era ?? eraOf(patches, opts);
  const known = new Set([...eraFunctionNames(era), ...patches.flatMap((pm) => mailFunctionsOf(pm).map((f) => f.name))]);
  const wanted = wantedOutside(patches, era);
  const eras = patches.map((pm, i) => messageEra(pm, i, opts, era));
  const bound = patches.map((pm, i) => bindMessage(pm, era, opts, known, wanted, eras[i]));
  // Linking may find a side that does not run: each binding has sides of its own.
  const functions = bound.flatMap((m) => m.functions.map((f) => ({ ...f, pre: { ...f.pre }, post: { ...f.post } })));
  const failures = bound.flatMap((m) => m.failures);
  const reference = new Map(eraFunctions(era).map((f) => [f.name, f]));
  const added = functions.filter((f) => f.inTree && !f.pre.image && f.post.func && reference.has(f.name)).map((f) => f.name);
  const binding: Binding = { era, eras, functions, failures, pre: {}, post: {}, added };
  for (const which of ['pre', 'post'] as const) {
    const over: Record<string, Func> = {};
    for (const f of functions) {
      const fn = f[which].func;
      if (fn) over[f.name] = fn;
    }
    // A side links with the reference, or the function whose call does not fit does not run.
    for (;;) {
      try {
        link([...reference.values(), ...Object.values(over)]);
        break;
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        // "caller: callee takes N arguments, given M" or "caller: calls callee, which ...": one of them is the patch's.
        const named = /^([\w$]+): (?:calls )?([\w$]+)/.exec(msg);
        const f = functions.find((g) => over[g.name] && (g.name === named?.[1] || g.name === named?.[2]));
        if (!f) throw e;
        delete over[f.name];
        f[which].func = null;
        f[which].why = `does not link with the model's ${era.version} functions: ${msg}`;
      }
    }
    binding[which] = over;
  }
  return binding;
}

/** The function of a binding whose image holds a mail line, on a side. */
export function boundAt(b: Binding, mailLine: number, which: 'pre' | 'post'): BoundFunction | undefined {
  return b.functions.find((f) => f[which].image?.lines.some((l) => l.mailLine === mailLine));
}
