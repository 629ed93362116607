// A function the mail shows only in part, completed from a base text of the same function (the
// model's reference, or a kernel tree of another version): every run of the mail's lines is
// aligned with the base function by its code, comments and whitespace aside, and takes the
// place of the base's lines from its first aligned line to its last; what the mail leaves out
// between runs comes from the base. Alignment is in order: a run never lands before the run
// that precedes it in the mail.
import type { FunctionImage, ImageLine } from './types';
import { loadedCParser, type Node } from './parser';

/** Code of a line for comparison: no comments, no whitespace. */
function codeOf(text: string): string {
  return text.replace(/\/\*.*?(\*\/|$)|\/\/.*$|^\s*\*.*$/g, '').replace(/\s+/g, '');
}

/**
 * Pairs of (run index, base index) of the best alignment of a run with the base from `from` on:
 * every run line is placed, a shared line of code scores 2, a line of code left out on either
 * side costs 1 (blank and comment lines cost nothing), and the base before and after the run is
 * free. So the run lands where it matches most compactly: a line that occurs twice in a function
 * (`if (pmd_downgrade) {`) pairs with the occurrence next to the run's other lines.
 */
function align(run: string[], base: string[], from: number): [number, number][] {
  const n = run.length, m = base.length - from;
  if (n === 0 || m <= 0) return [];
  const S = Array.from({ length: n + 1 }, () => new Float64Array(m + 1));
  const T = Array.from({ length: n + 1 }, () => new Uint8Array(m + 1));
  for (let i = 1; i <= n; i++) {
    const rc = run[i - 1];
    const rskip = rc === '' ? 0 : -1;
    S[i][0] = S[i - 1][0] + rskip;
    T[i][0] = 2;
    for (let j = 1; j <= m; j++) {
      const bc = base[from + j - 1];
      let best = -Infinity, t = 0;
      if (rc !== '' && rc === bc) { best = S[i - 1][j - 1] + 2; t = 1; }
      const up = S[i - 1][j] + rskip;
      if (up > best) { best = up; t = 2; }
      const left = S[i][j - 1] + (bc === '' ? 0 : -1);
      if (left > best) { best = left; t = 3; }
      S[i][j] = best;
      T[i][j] = t;
    }
  }
  let j = 0;
  for (let k = 1; k <= m; k++) if (S[n][k] > S[n][j]) j = k;
  const out: [number, number][] = [];
  for (let i = n; i > 0;) {
    const t = T[i][j];
    if (t === 1) { out.push([i - 1, from + j - 1]); i--; j--; } else if (t === 2 || j === 0) i--; else j--;
  }
  return out.reverse();
}

/** A run that starts inside a comment (a reviewer cut it there) without the comment's rest:
 *  laid anywhere else, its closing star-slash would close nothing. */
function outOfComment(run: ImageLine[]): ImageLine[] {
  if (!/^\s*\*/.test(run[0]?.text ?? '') || /^\s*\/\*/.test(run[0].text)) return run;
  const end = run.findIndex((l) => l.text.includes('*/'));
  return end < 0 ? run : run.slice(end + 1);
}

/** The runs of an image: stretches of its lines with no gap inside. */
function runsOf(img: FunctionImage): ImageLine[][] {
  const cuts = new Set(img.gaps);
  const runs: ImageLine[][] = [[]];
  img.lines.forEach((l, i) => {
    runs[runs.length - 1].push(l);
    if (cuts.has(i)) runs.push([]);
  });
  return runs.filter((r) => r.length);
}

export interface Completion {
  image: FunctionImage;
  /** Runs that matched nothing in the base: they could not be placed. */
  unplaced: ImageLine[][];
}

/**
 * The image completed from `base`, the text of the same function (from its head to its
 * closing brace). Lines from the base carry no mail line. Null when no run aligns at all.
 */
export function completeFromBase(img: FunctionImage, base: string[]): Completion | null {
  const baseCode = base.map(codeOf);
  const out: ImageLine[] = [];
  const unplaced: ImageLine[][] = [];
  let next = 0;
  for (const whole of runsOf(img)) {
    const run = outOfComment(whole);
    if (!run.length) continue;
    const pairs = align(run.map((l) => codeOf(l.text)), baseCode, next);
    // A shared brace or `return 0;` is no evidence of place: at least half the run's context
    // lines of substance, and one at the least, must be the base's.
    // A run with no context (code the patch adds whole, a new version of the function) is
    // placed by its added lines, and needs more of them: three at the least.
    const substantial = (i: number): boolean => codeOf(run[i].text).length > 8;
    const isContext = (i: number): boolean => run[i].op !== '+' && run[i].op !== '-';
    const hasContext = run.some((_l, i) => isContext(i) && substantial(i));
    const evidence = (i: number): boolean => substantial(i) && (hasContext ? isContext(i) : run[i].op !== '-');
    const lines = run.filter((_l, i) => evidence(i)).length;
    const matched = pairs.filter(([i]) => evidence(i)).length;
    if (matched < (hasContext ? 1 : 3) || matched * 2 < lines) { unplaced.push(run); continue; }
    const first = pairs[0][1], last = pairs[pairs.length - 1][1];
    // Base lines before the run's first aligned line, less those the run's leading lines stand for.
    const lead = pairs[0][0];
    const keepTo = Math.max(next, first - lead);
    for (let j = next; j < keepTo; j++) out.push({ text: base[j], op: null, mailLine: null, hunk: null });
    out.push(...run);
    next = last + 1;
  }
  if (out.length === 0) return null;
  for (let j = next; j < base.length; j++) out.push({ text: base[j], op: null, mailLine: null, hunk: null });
  return { image: { ...img, lines: restoreBaseLocals(out, base), whole: true, gaps: [], source: 'tree' }, unplaced };
}

/** The locals a function declares (name -> the declaration's type text), by tree-sitter. */
function localsOf(fn: Node): Map<string, string> {
  const out = new Map<string, string>();
  const body = fn.childForFieldName('body');
  for (const d of body?.descendantsOfType('declaration') ?? []) {
    if (!d) continue;
    const type = d.childForFieldName('type')?.text ?? 'int';
    for (const decl of d.childrenForFieldName('declarator')) {
      let n: Node | null = decl;
      let stars = '';
      while (n && n.type !== 'identifier') {
        if (n.type === 'pointer_declarator') stars += '*';
        n = n.childForFieldName('declarator');
      }
      if (n) out.set(n.text, `${type} ${stars}`);
    }
  }
  return out;
}

function functionNode(text: string): Node | null {
  return loadedCParser().parse(text).rootNode.descendantsOfType('function_definition')[0] ?? null;
}

/**
 * A local the base's lines still use but the mail's lines no longer declare: the mail replaced
 * the base's declaration (`pgoff_t size, pgoff;` for `pgoff_t pgoff, max_pgoff;`) and was cut
 * before the lines that would show how it uses its own. The base's rest keeps its own local,
 * declared at the top of the body.
 */
function restoreBaseLocals(out: ImageLine[], base: string[]): ImageLine[] {
  const baseFn = functionNode(base.join('\n'));
  const outFn = functionNode(out.map((l) => l.text).join('\n'));
  const body = outFn?.childForFieldName('body');
  if (!baseFn || !outFn || !body) return out;
  const declared = localsOf(outFn);
  const used = new Set(body.descendantsOfType('identifier').filter((n): n is Node => n !== null).map((n) => n.text));
  const missing = [...localsOf(baseFn)].filter(([name]) => !declared.has(name) && used.has(name));
  if (!missing.length) return out;
  const at = body.startPosition.row + 1;
  const decls = missing.map(([name, type]): ImageLine => ({ text: `\t${type}${name};`, op: null, mailLine: null, hunk: null }));
  return [...out.slice(0, at), ...decls, ...out.slice(at)];
}
