// Splits the lines of one side (pre or post) of one file into functions. The input is a
// sequence of runs: stretches of consecutive source lines with unknown code between them
// (elided by a reviewer, between hunks). A function's extent comes from the C: its head is
// classified by tree-sitter, its end is the brace that closes its body. A run that starts
// inside a function is attributed by the hunk's hint (the @@ context names the function)
// or by continuing the function the previous run left open.
import type { LineOp } from '../patch/types';
import { blankAnnotations, scanLines, type LineScan } from './lex';
import { memoByText } from './memo';
import { loadedCParser, type Node } from './parser';

export interface SideLine {
  text: string;
  op: LineOp | null;
  mailLine: number | null;
  hunk: number | null;
}

export interface Run {
  lines: SideLine[];
  /** The function the run's first line is known to sit in (from the @@ context), if any. */
  hint: string | null;
  /** The @@ context shows the run starts inside a struct, union, enum or initializer. */
  hintNotFunction: boolean;
  /** A later-resort name: the function the patch stage resolved for the hunk. */
  fallback: string | null;
  /** Indentation survived: a closing brace at column 0 ends a function, an indented one does not. */
  indentReliable: boolean;
  /** The previous run ends right before this one (no code missing between them). */
  adjacent: boolean;
  /** The run goes on with the function the previous run left open, whatever the hint says:
   *  git names a hunk after the pre-image's function, and the other side showed the run
   *  continuing it, so on this side it continues the same function under its new name. */
  continuesOpen?: boolean;
}

export interface Segment {
  name: string;
  lines: SideLine[];
  /** Indexes into lines[] after which code is missing; -1 when the head is missing. */
  gaps: number[];
  hasStart: boolean;
  hasEnd: boolean;
}

type Mode =
  | { kind: 'top' }
  | { kind: 'sig'; seg: Segment; paren: number }
  | { kind: 'body'; seg: Segment; depth: number }
  | { kind: 'other'; depth: number };

/** Statement kinds that only stand inside a function body. */
const BODY_ONLY = new Set([
  'if_statement', 'for_statement', 'while_statement', 'do_statement', 'switch_statement',
  'return_statement', 'goto_statement', 'break_statement', 'continue_statement',
  'labeled_statement', 'compound_statement', 'case_statement',
]);

function bodyOnly(node: Node): boolean {
  if (BODY_ONLY.has(node.type)) return true;
  if (node.type === 'expression_statement') {
    const e = node.namedChild(0);
    // A lone call at file scope is usually a macro (EXPORT_SYMBOL_GPL(x);); anything else is code.
    return !!e && e.type !== 'call_expression';
  }
  return false;
}

/** Does text read as statements of a body rather than file-scope declarations? */
const readsAsBody = memoByText((text: string): boolean => {
  if (!text.trim()) return false;
  const tree = loadedCParser().parse(text);
  try {
    for (const child of tree.rootNode.namedChildren) {
      if (!child) continue;
      if (child.type === 'function_definition') return false;
      if (bodyOnly(child)) return true;
    }
    return false;
  } finally {
    tree.delete();
  }
});

/**
 * If head + '{}' is a function definition, its name. Heads of structs, enums and
 * initializers are not functions. Kernel annotations that tree-sitter does not know
 * (`__init`, `__cold`, ...) are set aside first; a head tree-sitter still cannot read
 * but that has the shape `type name(args)` (SYSCALL_DEFINEn(...), unknown macros) is
 * named by the identifier before its parameter list.
 */
export const functionHeadName = memoByText((head: string): string | null => {
  const cleaned = blankAnnotations(head);
  const tree = loadedCParser().parse(cleaned + '{}');
  try {
    const defs = tree.rootNode.namedChildren.filter((c): c is Node => !!c && c.type === 'function_definition');
    const def = defs[defs.length - 1];
    if (def) return declaratorName(def.childForFieldName('declarator'));
  } finally {
    tree.delete();
  }
  return headShapeName(cleaned);
});

const NOT_A_TYPE = /^(?:if|else|for|while|do|switch|return|goto|case|sizeof|typedef)$/;

function headShapeName(head: string): string | null {
  const code = head.replace(/\s+/g, ' ').trim();
  const m = /^((?:[A-Za-z_]\w*[\s*]+)*)([A-Za-z_]\w*)\s*\(/.exec(code);
  if (!m) return null;
  const words = (m[1].match(/[A-Za-z_]\w*/g) ?? []);
  if ([...words, m[2]].some((w) => NOT_A_TYPE.test(w))) return null;
  // The parameter list must close the head (annotations may follow), with no initializer.
  let depth = 0, end = -1;
  for (let i = m[0].length - 1; i < code.length; i++) {
    if (code[i] === '(') depth++;
    else if (code[i] === ')' && --depth === 0) { end = i; break; }
  }
  if (end < 0 || code.includes('=') || code.includes(';')) return null;
  const tail = code.slice(end + 1).trim();
  // \b ends each word where it ends: the words of a tail that is no annotation are not re-split.
  if (tail && !/^(?:[A-Za-z_]\w*\b(?:\([^()]*\))?\s*)*$/.test(tail)) return null;
  return m[2];
}

function declaratorName(decl: Node | null): string | null {
  let d = decl;
  while (d && d.type !== 'function_declarator') d = d.childForFieldName('declarator') ?? (d.type === 'parenthesized_declarator' ? d.namedChild(0) : null);
  const id = d?.childForFieldName('declarator');
  if (!id) return null;
  if (id.type === 'identifier') return id.text;
  return declaratorName(id) ?? (id.descendantsOfType('identifier')[0]?.text ?? null);
}

/**
 * Segments one side of one file, run by run. Returns every function met, in order; the
 * indexes of the runs that went on with the function the previous run left open (by their
 * hint) go into `continued` when given.
 */
export function segmentRuns(runs: Run[], continued?: Set<number>): Segment[] {
  const out: Segment[] = [];
  let open: Segment | null = null;
  let last: Mode = { kind: 'top' };

  for (const [r, run] of runs.entries()) {
    const scans = scanLines(run.lines.map((l) => l.text));
    let mode: Mode = { kind: 'top' };
    if (run.adjacent) {
      // No code is missing between the runs: carry on exactly where the last one stopped.
      mode = last;
    } else {
      const start: Start = startMode(run.continuesOpen && open ? { ...run, hint: open.name } : run, scans, open);
      if (open && start.kind === 'continue' && start.name === open.name) continued?.add(r);
      if (open && !(start.kind === 'continue' && start.name === open.name)) markGapAtEnd(open);
      if (start.kind === 'continue') {
        const seg: Segment = out.filter((s) => s.name === start.name && !s.hasEnd).pop() ?? newSegment(out, start.name, false);
        if (seg.lines.length) markGapAtEnd(seg);
        mode = start.sig ? { kind: 'sig', seg, paren: 0 } : { kind: 'body', seg, depth: start.depth };
      } else if (start.kind === 'other') {
        mode = { kind: 'other', depth: start.depth };
      }
    }
    open = null;

    let head: number[] = [];
    for (let i = 0; i < run.lines.length; i++) {
      const line = run.lines[i];
      const scan = scans[i];
      if (mode.kind === 'body' || mode.kind === 'sig') mode.seg.lines.push(line);
      if (mode.kind === 'top') {
        if (scan.preproc) { head = []; continue; }
        if (scan.blank && head.length === 0) continue;
        head.push(i);
      }
      mode = stepMarks(mode, scan, i, run, head, out);
    }
    if (mode.kind === 'body' || mode.kind === 'sig') open = mode.seg;
    last = mode;
  }
  if (open) markGapAtEnd(open);
  return out;
}

function newSegment(out: Segment[], name: string, hasStart: boolean): Segment {
  const seg: Segment = { name, lines: [], gaps: hasStart ? [] : [-1], hasStart, hasEnd: false };
  out.push(seg);
  return seg;
}

/** Code is missing after the segment's last line (its end, or what lies between two runs). */
function markGapAtEnd(seg: Segment): void {
  if (!seg.hasEnd && seg.lines.length && seg.gaps[seg.gaps.length - 1] !== seg.lines.length - 1) seg.gaps.push(seg.lines.length - 1);
}

type Start =
  | { kind: 'top' }
  | { kind: 'other'; depth: number }
  | { kind: 'continue'; name: string; depth: number; sig: boolean };

/** Where a run begins: at file scope, inside a function (which), or inside some other block. */
function startMode(run: Run, scans: LineScan[], open: Segment | null): Start {
  let depth = 0, minDepth = 0, minLine = -1, paren = 0, partialSig = false, sawBrace = false;
  let leading = '';
  scans.forEach((s, i) => {
    // What comes before the run's first brace, that brace's own line included up to it.
    // (a bare brace opens the body of a function whose head is in the @@ context: no statement)
    const prefix = s.marks.includes('{') ? s.code.slice(0, s.code.indexOf('{')) : '';
    if (!sawBrace && !s.preproc && prefix.trim()) leading += prefix + '{}\n';
    const before = sawBrace;
    for (const ch of s.marks) {
      if (ch === '{') { depth++; sawBrace = true; }
      else if (ch === '}') {
        depth--;
        sawBrace = true;
        if (depth <= minDepth && depth < 0) { minDepth = depth; minLine = i; }
      }
      else if (!sawBrace && ch === '(') paren++;
      else if (!sawBrace && ch === ')') { paren--; if (paren < 0) partialSig = true; }
    }
    if (!before && !sawBrace && !s.preproc) leading += s.code + '\n';
  });
  const inside = minDepth < 0 || partialSig || readsAsBody(leading) || indentedDeclarations(run, scans);
  if (!inside) return { kind: 'top' };
  const depth0 = minDepth < 0 && !endsAt(scans, minLine) ? 1 - minDepth : Math.max(-minDepth, 1);
  if (run.hintNotFunction) return { kind: 'other', depth: depth0 };
  const name = run.hint ?? open?.name ?? run.fallback;
  if (!name) return { kind: 'other', depth: depth0 };
  return { kind: 'continue', name, depth: partialSig ? 0 : depth0, sig: partialSig };
}

/**
 * A run of declarations only (no braces, no statements) is inside the function the @@
 * context names when indentation survived and the first one is indented: kernel style
 * puts file-scope declarations at column 0.
 */
function indentedDeclarations(run: Run, scans: LineScan[]): boolean {
  if (!run.hint || !run.indentReliable || scans.some((s) => /[{}]/.test(s.marks))) return false;
  const first = scans.findIndex((s) => !s.blank && !s.preproc);
  return first >= 0 && /^\s/.test(run.lines[first].text);
}

/**
 * Does the enclosing block end at line `i` of the run (the last line where the run is
 * shallowest)? Only if the line is a bare closing brace and what follows is not body code:
 * "} else {" or statements after it mean the run started deeper than it looks.
 */
function endsAt(scans: LineScan[], i: number): boolean {
  if (!/^\s*\}\s*;?\s*$/.test(scans[i].code)) return false;
  const rest = scans.slice(i + 1).filter((s) => !s.preproc).map((s) => s.code).join('\n');
  return !readsAsBody(rest);
}

/** Applies the structural marks of one line to the mode. */
function stepMarks(
  mode: Mode, scan: LineScan, i: number, run: Run, head: number[], out: Segment[],
): Mode {
  let m = mode;
  let consumed = '';
  for (const ch of scan.marks) {
    consumed += ch;
    switch (m.kind) {
      case 'sig':
        if (ch === '(') m.paren++;
        else if (ch === ')') m.paren--;
        else if (ch === '{') m = { kind: 'body', seg: m.seg, depth: 1 };
        break;
      case 'body':
        if (ch === '{') m.depth++;
        else if (ch === '}') {
          m.depth--;
          if (m.depth === 0) {
            const line = run.lines[i].text;
            if (!m.seg.hasStart && run.indentReliable && /^\s/.test(line)) {
              // An indented brace closes a block, not the function: we started deeper.
              m.depth = 1;
              continue;
            }
            m.seg.hasEnd = true;
            m = { kind: 'top' };
          }
        }
        break;
      case 'other':
        if (ch === '{') m.depth++;
        else if (ch === '}' && --m.depth === 0) m = { kind: 'top' };
        break;
      case 'top':
        if (ch === '{') {
          const headText = head.map((h) => (h === i ? codeBefore(scan.code, consumed) : run.lines[h].text)).join('\n');
          const name = functionHeadName(headText);
          if (name) {
            const seg = newSegment(out, name, true);
            for (const h of head) seg.lines.push(run.lines[h]);
            m = { kind: 'body', seg, depth: 1 };
          } else {
            m = { kind: 'other', depth: 1 };
          }
          // Whatever follows this block on the line starts a new head.
          head.length = 0;
        } else if (ch === ';') {
          // A declaration ended; the next head starts after it.
          head.length = 0;
        }
        break;
    }
  }
  return m;
}

/** The code of a line up to (not including) the structural mark that ends `consumed`. */
function codeBefore(code: string, consumed: string): string {
  let k = 0;
  for (let j = 0; j < code.length; j++) {
    if ('{}();'.includes(code[j])) {
      k++;
      if (k === consumed.length) return code.slice(0, j);
    }
  }
  return code;
}
