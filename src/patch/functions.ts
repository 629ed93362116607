// Names the function of every hunk, walking the hunks of each file in mail order
// so a hunk that starts mid-function can lean on what earlier hunks showed.
import type { MailDiagnostic } from '../mail/types';
import type { Comment, Hunk } from './types';
import { aggregateName, hintFromContext, scanFunctions, type FunctionHint } from './cfunc';
import { keepsIndentation } from './lines';

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
    const indented = h.lines.some((l) => keepsIndentation(l.text));
    const startScope = hint === null && h.headerContext !== null ? aggregateName(h.headerContext) : null;
    const scan = scanFunctions(h.lines, hint, indented, startScope);
    let changed = false;
    for (let i = 0; i < h.lines.length; i++) {
      h.lines[i].function = scan.fn[i];
      if (h.lines[i].op !== ' ') changed = true;
    }
    for (const [label, fn] of scan.labels) if (!fileLabels.has(label)) fileLabels.set(label, fn);
    openAtEnd.set(h.path, scan.openAtEnd);

    // What the hunk changes names it; a hunk of context only is named by all its lines.
    const names = new Set<string>();
    const scopes = new Set<string>();
    let first = -1;
    for (let i = 0; i < h.lines.length; i++) {
      if (changed && h.lines[i].op === ' ') continue;
      const fn = scan.fn[i];
      if (fn !== null) {
        names.add(fn);
        if (first < 0) first = i;
      }
      const scope = scan.scope[i];
      if (scope !== null) scopes.add(scope);
    }
    h.functions = [...names];
    h.scopes = [...scopes];
    h.function = first < 0 ? null : scan.fn[first];
    h.functionSource = first < 0 ? null : scan.fromLines[first] ? 'lines' : hint?.source ?? null;
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
