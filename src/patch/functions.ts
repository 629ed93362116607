// Names the function of every hunk, walking the hunks of each file in mail order
// so a hunk that starts mid-function can lean on what earlier hunks showed.
import type { MailDiagnostic } from '../mail/types';
import type { Comment, Hunk } from './types';
import { aggregateName, hintFromContext, scanFunctions, type FunctionHint } from './cfunc';

/** C sources and headers, or a file the mail does not name. */
function isC(path: string | null): boolean {
  return path === null || /\.(?:c|h|cc|inc)$/.test(path);
}

export function resolveFunctions(hunks: readonly Hunk[], diagnostics: MailDiagnostic[]): void {
  const labels = new Map<string | null, Map<string, string>>();
  const openAtEnd = new Map<string | null, string | null>();
  for (const h of hunks) {
    if (!isC(h.path) || h.lines.length === 0) continue;
    const fileLabels = labels.get(h.path) ?? new Map<string, string>();
    labels.set(h.path, fileLabels);
    const hint = startHint(h, fileLabels, h.path !== null ? openAtEnd.get(h.path) ?? null : null);
    const indented = h.lines.some((l) => /^(?:\t| {2})/.test(l.text));
    const startScope = hint === null && h.headerContext !== null ? aggregateName(h.headerContext) : null;
    const scan = scanFunctions(h.lines, hint, indented, startScope);
    h.lines.forEach((l, i) => { l.function = scan.fn[i]; });
    for (const [label, fn] of scan.labels) if (!fileLabels.has(label)) fileLabels.set(label, fn);
    openAtEnd.set(h.path, scan.openAtEnd);

    const changed = h.lines.map((_, i) => i).filter((i) => h.lines[i].op !== ' ');
    const pool = changed.length > 0 ? changed : h.lines.map((_, i) => i);
    const names = new Set<string>();
    for (const i of pool) {
      const fn = scan.fn[i];
      if (fn !== null) names.add(fn);
    }
    h.functions = [...names];
    h.scopes = [...new Set(pool.map((i) => scan.scope[i]).filter((x): x is string => x !== null))];
    const first = pool.find((i) => scan.fn[i] !== null);
    h.function = first === undefined ? null : scan.fn[first];
    h.functionSource = first === undefined ? null : scan.fromLines[first] ? 'lines' : hint?.source ?? null;
    if (hint && hint.source === 'header' && h.function !== null && h.function !== hint.name && h.functionSource === 'lines') {
      diagnostics.push({
        line: h.mailLines[0], severity: 'info', verbose: true,
        message: `hunk at mail line ${h.mailLines[0]}: @@ context names ${hint.name}, the lines change ${h.function}`,
      });
    }
    for (const c of h.comments) nameCommentFunction(c, h);
  }
}

/** Where the hunk starts: the @@ context when it shows a definition, a known label, or the previous hunk. */
function startHint(h: Hunk, labels: ReadonlyMap<string, string>, previous: string | null): FunctionHint | null {
  const ctx = hintFromContext(h.headerContext);
  if (ctx.kind === 'function' && ctx.name) return { name: ctx.name, source: 'header' };
  if (ctx.kind === 'label' && ctx.name) {
    const fn = labels.get(ctx.name);
    if (fn) return { name: fn, source: 'label' };
  }
  if (ctx.kind !== 'label' && h.headerContext !== null) return null;
  return previous ? { name: previous, source: 'previous-hunk' } : null;
}

function nameCommentFunction(c: Comment, h: Hunk): void {
  c.function = c.anchor ? h.lines[c.anchor[1]]?.function ?? null : null;
  for (const r of c.replies) nameCommentFunction(r, h);
}
