// The syntax tree and control-flow graph of a rebuilt function.
//
// parseImage() turns a FunctionImage into C text tree-sitter can read: where the image has
// gaps it inserts a placeholder statement `__elided__();` and the braces the missing code
// must have opened or closed; when the head is missing it supplies `void NAME(void) {`.
// Every node maps back to an image line (and so to a mail line) through lineOf().
//
// buildCfg() walks that tree: statements, if/else, switch/case, loops with back edges,
// break/continue, goto to labels, returns, and a 'gap' node for each placeholder.
import type { Call, Cfg, CfgNode, CfgNodeKind, FunctionImage } from './types';
import { blankAnnotations, scanLinesFrom, startsInComment } from './lex';
import { loadedCParser, type Node, type Tree } from './parser';

/** The identifier of the placeholder call that stands for elided code. */
export const ELIDED = '__elided__';

export interface ParsedImage {
  image: FunctionImage;
  tree: Tree;
  /** The translation unit. */
  root: Node;
  /** The function_definition of the image, or null when tree-sitter found none. */
  fn: Node | null;
  /** The function's body (compound_statement): fn's body, or the block after a head tree-sitter could not read. */
  body: Node | null;
  /** The C text that was parsed (image lines plus synthetic rows). */
  text: string;
  /** Index into image.lines of the row a node starts on; null for synthetic rows. */
  lineOf(node: Node): number | null;
  /** For a placeholder statement: the gap it stands for (index after which code is missing). */
  gapOf(node: Node): number | null;
  /**
   * Frees the tree's wasm memory; call it when done with every node (nodes of a freed tree
   * must not be used). Tree-sitter memory is not garbage collected.
   */
  delete(): void;
}

interface Row { text: string; line: number | null; gap: number | null }

/** The C text of an image, with placeholders and braces standing in for what is missing. */
function assemble(image: FunctionImage): Row[] {
  const rows: Row[] = [];
  const n = image.lines.length;
  const gaps = new Set(image.gaps);
  const cuts = image.gaps.filter((g) => g >= 0 && g < n - 1).sort((a, b) => a - b);
  const pieces: [number, number][] = [];
  let from = 0;
  for (const c of cuts) { pieces.push([from, c + 1]); from = c + 1; }
  pieces.push([from, n]);

  let depth = 0;
  const synth = (text: string, gap: number | null = null) => rows.push({ text, line: null, gap });
  pieces.forEach(([a, b], pi) => {
    const texts = image.lines.slice(a, b).map((l) => l.text);
    const inComment = startsInComment(texts);
    const scans = scanLinesFrom(texts, inComment);
    let d = 0, min = 0, paren = 0, partialSig = false, braced = false;
    for (const s of scans) for (const ch of s.marks) {
      if (ch === '{') { d++; braced = true; }
      else if (ch === '}') { d--; min = Math.min(min, d); braced = true; }
      else if (!braced && ch === '(') paren++;
      else if (!braced && ch === ')' && --paren < 0) partialSig = true;
    }
    const headMissing = pi === 0 && gaps.has(-1);
    if (headMissing) {
      if (partialSig) synth(`void ${image.name}(`);
      else { synth(`void ${image.name}(void)`); synth('{'); depth = 1; }
    }
    if (pi > 0 || headMissing) {
      const gap = pi > 0 ? cuts[pi - 1] : -1;
      let need = depth;
      if (!(pi === 0 && partialSig)) {
        const last = pi === pieces.length - 1 && !gaps.has(n - 1);
        need = last ? Math.max(-d, -min) : Math.max(depth, 1 - min);
      }
      // The missing code opened blocks the piece closes: stand them in as `if (__elided__()) {`
      // so a following "} else {" still has its if.
      if (need > depth) for (; depth < need; depth++) synth(`if (${ELIDED}()) {`, gap);
      else if (!(pi === 0 && partialSig)) synth(`${ELIDED}();`, gap);
      for (; depth > need; depth--) synth('}');
    }
    if (inComment) synth('/*');
    // Head rows (up to the body's brace) lose kernel annotations tree-sitter does not know.
    const headRows = pi === 0 && !headMissing ? scans.findIndex((s) => s.marks.includes('{')) : -1;
    for (let i = a; i < b; i++) {
      const text = image.lines[i].text;
      rows.push({ text: i - a <= headRows ? blankAnnotations(text) : text, line: i, gap: null });
    }
    if (scans.length && scans[scans.length - 1].inComment) synth('*/');
    depth += d;
  });
  if (gaps.has(n - 1) && n > 0) {
    synth(`${ELIDED}();`, n - 1);
    for (; depth > 0; depth--) synth('}');
  }
  return rows;
}

/**
 * Rows with the preprocessor conditionals tree-sitter cannot fit into a statement read as
 * compiled: a one-sided `#ifdef X ... #endif` keeps its code, and where branches each open
 * or close a block (`if (a) {` / `#else` / `if (b) {`) only the first branch is kept.
 * Null when there is nothing to change.
 */
function compiledRows(rows: Row[]): Row[] | null {
  const directive = (t: string) => /^\s*#\s*(if|ifdef|ifndef|elif|else|endif)\b/.exec(t)?.[1] ?? null;
  const net = (from: number, to: number) => {
    let n = 0;
    for (const sc of scanLinesFrom(rows.slice(from, to).map((r) => r.text), false)) for (const ch of sc.marks) n += ch === '{' ? 1 : ch === '}' ? -1 : 0;
    return n;
  };
  const stack: number[][] = [];
  const blank = new Set<number>();
  rows.forEach((r, i) => {
    const d = directive(r.text);
    if (!d) return;
    if (d.startsWith('if')) stack.push([i]);
    else if (d === 'elif' || d === 'else') stack[stack.length - 1]?.push(i);
    else {
      const branches = stack.pop();
      if (!branches) return;
      if (branches.length === 1) { blank.add(branches[0]); blank.add(i); return; }
      const ends = [...branches.slice(1), i];
      if (!branches.some((b, k) => net(b + 1, ends[k]) !== 0)) return;
      blank.add(branches[0]);
      for (let j = branches[1]; j <= i; j++) blank.add(j);
    }
  });
  if (!blank.size) return null;
  return rows.map((r, i) => (blank.has(i) ? { ...r, text: '' } : r));
}

function errorCount(tree: Tree): number {
  return tree.rootNode.hasError ? tree.rootNode.descendantsOfType('ERROR').length + 1 : 0;
}

export function parseImage(image: FunctionImage): ParsedImage {
  let rows = assemble(image);
  let text = rows.map((r) => r.text).join('\n');
  let tree = loadedCParser().parse(text);
  // Directives inside statements (#ifdef around an `else if`, alternative `if (..) {`
  // heads) break the parse: read the conditionals as compiled when that parses better.
  const alt = errorCount(tree) ? compiledRows(rows) : null;
  if (alt) {
    const altText = alt.map((r) => r.text).join('\n');
    const altTree = loadedCParser().parse(altText);
    if (errorCount(altTree) < errorCount(tree)) {
      tree.delete();
      tree = altTree;
      rows = alt;
      text = altText;
    } else {
      altTree.delete();
    }
  }
  const root = tree.rootNode;
  const fn = findFunction(root, image.name);
  // A head only a macro makes a function (SYSCALL_DEFINE3(...)) leaves a bare block.
  const body = fn?.childForFieldName('body') ?? root.namedChildren.filter((c): c is Node => !!c && c.type === 'compound_statement').pop() ?? null;
  let freed = false;
  const parsed: ParsedImage = {
    image, tree, root, fn, body, text,
    lineOf: (node) => rows[node.startPosition.row]?.line ?? null,
    gapOf: (node) => {
      const row = rows[node.startPosition.row];
      return row && row.line === null && row.gap !== null && isElided(node) ? row.gap : null;
    },
    delete: () => { if (!freed) { freed = true; tree.delete(); } },
  };
  return parsed;
}

function findFunction(root: Node, name: string): Node | null {
  const defs = root.descendantsOfType('function_definition');
  let first: Node | null = null;
  for (const d of defs) {
    if (!d) continue;
    first ??= d;
    const decl = d.childForFieldName('declarator');
    const id = decl?.descendantsOfType('identifier')[0];
    if (id?.text === name) return d;
  }
  return first;
}

/** The placeholder statement `__elided__();`, or the opener `if (__elided__()) {`. */
function isElided(node: Node): boolean {
  let call: Node | null = node;
  if (node.type === 'expression_statement') call = node.namedChild(0);
  else if (node.type === 'if_statement') call = node.childForFieldName('condition')?.namedChild(0) ?? null;
  return call?.type === 'call_expression' && call.childForFieldName('function')?.text === ELIDED;
}

const fold = (s: string) => s.replace(/\s+/g, ' ').trim();

/**
 * The nodes under `root` in post-order (children before their parent), without recursion:
 * hunks can nest deeper than the stack. `skip` prunes a subtree.
 */
function postOrder(root: Node, skip: (n: Node) => boolean = () => false): Node[] {
  const out: Node[] = [];
  const stack: { node: Node; expanded: boolean }[] = [{ node: root, expanded: false }];
  while (stack.length) {
    const top = stack.pop()!;
    if (top.expanded) { out.push(top.node); continue; }
    if (top.node !== root && skip(top.node)) continue;
    stack.push({ node: top.node, expanded: true });
    const kids = top.node.namedChildren;
    for (let i = kids.length - 1; i >= 0; i--) { const k = kids[i]; if (k) stack.push({ node: k, expanded: false }); }
  }
  return out;
}

/** Calls in evaluation order (arguments before the call that takes them). */
export function callsIn(node: Node | null, lineOf: (n: Node) => number | null, image: FunctionImage): Call[] {
  const out: Call[] = [];
  if (!node) return out;
  for (const n of postOrder(node)) {
    if (n.type !== 'call_expression') continue;
    const name = fold(n.childForFieldName('function')?.text ?? '');
    if (name === ELIDED) continue;
    const args = (n.childForFieldName('arguments')?.namedChildren ?? [])
      .filter((a): a is Node => !!a && a.type !== 'comment')
      .map((a) => fold(a.text));
    const li = lineOf(n);
    out.push({ name, args, assignedTo: assignedTo(n), mailLine: li === null ? null : image.lines[li].mailLine });
  }
  return out;
}

function assignedTo(call: Node): string | null {
  let n: Node = call;
  let p = n.parent;
  while (p && (p.type === 'parenthesized_expression' || p.type === 'cast_expression')) { n = p; p = p.parent; }
  if (!p) return null;
  if (p.type === 'assignment_expression' && p.childForFieldName('right')?.id === n.id) return fold(p.childForFieldName('left')?.text ?? '');
  if (p.type === 'init_declarator' && p.childForFieldName('value')?.id === n.id) return declName(p.childForFieldName('declarator'));
  return null;
}

function declName(d: Node | null): string | null {
  if (!d) return null;
  if (d.type === 'identifier') return d.text;
  return d.descendantsOfType('identifier')[0]?.text ?? null;
}

function assignsIn(node: Node | null): CfgNode['assigns'] {
  const out: CfgNode['assigns'] = [];
  if (!node) return out;
  for (const n of postOrder(node, (x) => x.type === 'function_definition' || x.type === 'compound_statement')) {
    if (n.type === 'assignment_expression') {
      out.push({ target: fold(n.childForFieldName('left')?.text ?? ''), value: fold(n.childForFieldName('right')?.text ?? ''), op: n.childForFieldName('operator')?.text ?? '=' });
    } else if (n.type === 'update_expression') {
      out.push({ target: fold(n.childForFieldName('argument')?.text ?? ''), value: '', op: n.childForFieldName('operator')?.text ?? '++' });
    } else if (n.type === 'init_declarator') {
      const target = declName(n.childForFieldName('declarator'));
      if (target) out.push({ target, value: fold(n.childForFieldName('value')?.text ?? ''), op: '=' });
    }
  }
  return out;
}

/** A dangling edge: from node `id`, into succ slot `slot` (-1: appended). */
interface Edge { id: number; slot: number }

interface Loop { breaks: Edge[]; continues: Edge[]; isSwitch: boolean }

class CfgBuilder {
  readonly nodes: CfgNode[] = [];
  readonly unparsed: Cfg['unparsed'] = [];
  private readonly labels = new Map<string, number>();
  private readonly gotos: { id: number; label: string }[] = [];
  private readonly loops: Loop[] = [];
  readonly entry: number;
  readonly exit: number;
  private returns: Edge[] = [];

  constructor(private readonly p: ParsedImage) {
    const fn = p.fn;
    this.entry = this.add('entry', fn, fold(fn?.childForFieldName('declarator')?.text ?? p.image.name), null, p.image.gaps.includes(-1) ? null : 0);
    this.exit = this.add('exit', null, '', null, null);
    if (fn && p.image.lines.length && !p.image.gaps.includes(p.image.lines.length - 1)) this.nodes[this.exit].lineIndex = p.image.lines.length - 1;
    if (fn) this.reportErrors(fn.childForFieldName('declarator'));
    const body = p.body;
    let ends: Edge[] = [{ id: this.entry, slot: -1 }];
    if (body) ends = this.stmt(body, ends);
    else this.unparsed.push({ mailLine: p.image.lines[0]?.mailLine ?? null, text: 'no function body recognised' });
    this.connect([...ends, ...this.returns], this.exit);
    this.resolveGotos();
    const li = this.nodes[this.exit].lineIndex;
    this.nodes[this.exit].mailLine = li === null ? null : p.image.lines[li].mailLine;
  }

  private add(kind: CfgNodeKind, node: Node | null, text: string, calls: Node | null, lineIndex?: number | null, succ: number[] = []): number {
    const li = lineIndex !== undefined ? lineIndex : node ? this.p.lineOf(node) : null;
    const id = this.nodes.length;
    this.nodes.push({
      id, kind, text, calls: callsIn(calls, this.p.lineOf, this.p.image), assigns: assignsIn(calls),
      mailLine: li === null || li < 0 ? null : this.p.image.lines[li]?.mailLine ?? null,
      lineIndex: li === null || li < 0 ? null : li, succ, cases: null,
    });
    return id;
  }

  private connect(edges: Edge[], to: number): void {
    for (const e of edges) {
      const succ = this.nodes[e.id].succ;
      if (e.slot < 0) succ.push(to); else succ[e.slot] = to;
    }
  }

  /** A node with one successor, linked after `preds`. */
  private simple(kind: CfgNodeKind, node: Node | null, text: string, calls: Node | null, preds: Edge[], lineIndex?: number | null): Edge[] {
    const id = this.add(kind, node, text, calls, lineIndex);
    this.connect(preds, id);
    return [{ id, slot: -1 }];
  }

  private branch(node: Node, text: string, cond: Node | null, preds: Edge[]): number {
    const id = this.add('branch', node, text, cond, undefined, [-1, -1]);
    this.connect(preds, id);
    return id;
  }

  private reportErrors(node: Node | null): void {
    if (!node || !node.hasError) return;
    const stack: Node[] = [node];
    while (stack.length) {
      const n = stack.pop()!;
      if (n.isError || n.isMissing) {
        const li = this.p.lineOf(n);
        const text = n.isMissing ? `missing ${n.type}` : fold(n.text);
        this.unparsed.push({ mailLine: li === null ? null : this.p.image.lines[li].mailLine, text });
        continue;
      }
      const kids = n.children;
      for (let i = kids.length - 1; i >= 0; i--) { const k = kids[i]; if (k && k.hasError) stack.push(k); }
    }
  }

  private depth = 0;

  /** Builds statement `s` after `preds`; returns the edges that fall out of it. */
  stmt(s: Node, preds: Edge[]): Edge[] {
    if (this.depth >= MAX_NESTING) {
      // Deeper than any kernel function: one opaque statement, said so, rather than a crash.
      const li = this.p.lineOf(s);
      this.unparsed.push({ mailLine: li === null ? null : this.p.image.lines[li].mailLine, text: `nested more than ${MAX_NESTING} deep: read as one statement` });
      return this.simple('stmt', s, fold(s.text).slice(0, 200), s, preds);
    }
    this.depth++;
    try {
      return this.stmtKind(s, preds);
    } finally {
      this.depth--;
    }
  }

  private stmtKind(s: Node, preds: Edge[]): Edge[] {
    switch (s.type) {
      case 'compound_statement':
        return this.sequence(s.namedChildren.filter((c): c is Node => !!c), preds);
      case 'comment':
        return preds;
      case 'expression_statement': {
        if (isElided(s)) {
          const gap = this.p.gapOf(s);
          return this.simple('gap', s, '...', null, preds, gap);
        }
        this.reportErrors(s);
        if (!s.namedChild(0)) return preds;
        return this.simple('stmt', s, fold(s.text), s, preds);
      }
      case 'declaration':
        this.reportErrors(s);
        if (!s.descendantsOfType('init_declarator').length) return preds;
        return this.simple('stmt', s, fold(s.text), s, preds);
      case 'if_statement': {
        const cond = s.childForFieldName('condition');
        const b = this.branch(s, condText(cond), cond, preds);
        if (isElided(s)) {
          // Elided code that opened a block: which way the path goes is unknown.
          const li = this.p.gapOf(s);
          Object.assign(this.nodes[b], { kind: 'gap', text: '...', lineIndex: li !== null && li >= 0 ? li : null, mailLine: li !== null && li >= 0 ? this.p.image.lines[li].mailLine : null });
        }
        this.reportErrors(cond);
        const cons = s.childForFieldName('consequence');
        const alt = s.childForFieldName('alternative');
        const t = cons ? this.stmt(cons, [{ id: b, slot: 0 }]) : [{ id: b, slot: 0 }];
        const altStmt = alt?.type === 'else_clause' ? alt.namedChildren.find((c): c is Node => !!c && c.type !== 'comment') ?? null : alt;
        const f = altStmt ? this.stmt(altStmt, [{ id: b, slot: 1 }]) : [{ id: b, slot: 1 }];
        return [...t, ...f];
      }
      case 'while_statement': {
        const cond = s.childForFieldName('condition');
        const b = this.branch(s, condText(cond), cond, preds);
        return this.loopBody(s.childForFieldName('body'), [{ id: b, slot: 0 }], b, [{ id: b, slot: 1 }]);
      }
      case 'for_statement': {
        let before = preds;
        const init = s.childForFieldName('initializer');
        if (init) before = this.simple('stmt', init, fold(init.text), init, before);
        const cond = s.childForFieldName('condition');
        const update = s.childForFieldName('update');
        let head: number;
        let into: Edge[], out: Edge[];
        if (cond) {
          head = this.branch(s, condText(cond), cond, before);
          into = [{ id: head, slot: 0 }];
          out = [{ id: head, slot: 1 }];
        } else {
          head = this.add('stmt', s, 'for (;;)', null);
          this.connect(before, head);
          into = [{ id: head, slot: -1 }];
          out = [];
        }
        return this.loopBody(s.childForFieldName('body'), into, head, out, update);
      }
      case 'do_statement': {
        const loop: Loop = { breaks: [], continues: [], isSwitch: false };
        this.loops.push(loop);
        // The body's first node is where the back edge goes; a placeholder keeps it stable.
        const top = this.add('stmt', s, 'do', null);
        this.connect(preds, top);
        const body = s.childForFieldName('body');
        const ends = body ? this.stmt(body, [{ id: top, slot: -1 }]) : [{ id: top, slot: -1 }];
        this.loops.pop();
        const cond = s.childForFieldName('condition');
        const b = this.branch(s, condText(cond), cond, [...ends, ...loop.continues]);
        this.nodes[b].succ[0] = top;
        return [{ id: b, slot: 1 }, ...loop.breaks];
      }
      case 'switch_statement': {
        const cond = s.childForFieldName('condition');
        const id = this.add('branch', s, condText(cond), cond, undefined, []);
        this.nodes[id].cases = [];
        this.connect(preds, id);
        const loop: Loop = { breaks: [], continues: [], isSwitch: true };
        this.loops.push(loop);
        let fall: Edge[] = [];
        let hasDefault = false;
        const body = s.childForFieldName('body');
        for (const c of body?.namedChildren ?? []) {
          if (!c) continue;
          if (c.type === 'case_statement') {
            const value = c.childForFieldName('value');
            const label = value ? `case ${fold(value.text)}:` : 'default:';
            if (!value) hasDefault = true;
            const l = this.add('label', c, label, value);
            this.nodes[id].succ.push(l);
            this.nodes[id].cases!.push(value ? fold(value.text) : 'default');
            this.connect(fall, l);
            const stmts = c.namedChildren.filter((x): x is Node => !!x && x.id !== value?.id);
            fall = this.sequence(stmts, [{ id: l, slot: -1 }]);
          } else {
            fall = this.stmt(c, fall);
          }
        }
        this.loops.pop();
        const out: Edge[] = [...fall, ...loop.breaks];
        if (!hasDefault) out.push({ id, slot: -1 });
        return out;
      }
      case 'return_statement': {
        const id = this.add('return', s, fold(s.text), s);
        this.connect(preds, id);
        this.reportErrors(s);
        this.returns.push({ id, slot: -1 });
        return [];
      }
      case 'goto_statement': {
        const label = s.childForFieldName('label')?.text ?? '';
        const id = this.add('goto', s, fold(s.text), null);
        this.connect(preds, id);
        this.gotos.push({ id, label });
        return [];
      }
      case 'break_statement':
      case 'continue_statement': {
        const id = this.add('stmt', s, fold(s.text), null);
        this.connect(preds, id);
        const loop = s.type === 'break_statement' ? this.loops[this.loops.length - 1] : [...this.loops].reverse().find((l) => !l.isSwitch);
        if (!loop) {
          this.unparsed.push({ mailLine: this.nodes[id].mailLine, text: `${fold(s.text)} outside a loop` });
          return [{ id, slot: -1 }];
        }
        (s.type === 'break_statement' ? loop.breaks : loop.continues).push({ id, slot: -1 });
        return [];
      }
      case 'labeled_statement': {
        const name = s.childForFieldName('label')?.text ?? '';
        const id = this.add('label', s, `${name}:`, null);
        this.connect(preds, id);
        this.labels.set(name, id);
        const inner = s.namedChildren.filter((c): c is Node => !!c && c.type !== 'statement_identifier');
        return this.sequence(inner, [{ id, slot: -1 }]);
      }
      case 'preproc_if':
      case 'preproc_ifdef':
      case 'preproc_elif':
      case 'preproc_else': {
        const cond = s.childForFieldName('condition') ?? s.childForFieldName('name');
        const alt = s.childForFieldName('alternative');
        const inner = s.namedChildren.filter((c): c is Node => !!c && c.id !== cond?.id && c.id !== alt?.id);
        if (s.type === 'preproc_else') return this.sequence(inner, preds);
        const directive = fold(s.text.split('\n')[0]);
        const b = this.branch(s, directive, null, preds);
        const t = this.sequence(inner, [{ id: b, slot: 0 }]);
        const f = alt ? this.stmt(alt, [{ id: b, slot: 1 }]) : [{ id: b, slot: 1 }];
        return [...t, ...f];
      }
      case 'ERROR':
        return this.recover(s, preds);
      default:
        if (s.type.startsWith('preproc_')) return preds;
        this.reportErrors(s);
        return this.simple('stmt', s, fold(s.text), s, preds);
    }
  }

  /** Statements in order; a kernel iterator macro (`list_for_each(..) {`) becomes a loop. */
  private sequence(stmts: Node[], preds: Edge[]): Edge[] {
    let ends = preds;
    for (let i = 0; i < stmts.length; i++) {
      const s = stmts[i];
      const next = stmts[i + 1];
      if (next && next.type === 'compound_statement' && isMacroLoopHead(s)) {
        const call = s.namedChild(0)!;
        const b = this.branch(s, fold(call.text), call, ends);
        ends = this.loopBody(next, [{ id: b, slot: 0 }], b, [{ id: b, slot: 1 }]);
        i++;
        continue;
      }
      ends = this.stmt(s, ends);
    }
    return ends;
  }

  private loopBody(body: Node | null, into: Edge[], continueTo: number, out: Edge[], update: Node | null = null): Edge[] {
    const loop: Loop = { breaks: [], continues: [], isSwitch: false };
    this.loops.push(loop);
    const ends = body ? this.stmt(body, into) : into;
    this.loops.pop();
    let back = [...ends, ...loop.continues];
    if (update) back = this.simple('stmt', update, fold(update.text), update, back);
    this.connect(back, continueTo);
    return [...out, ...loop.breaks];
  }

  /** What tree-sitter could not parse: report it, keep the statements inside that did parse. */
  private recover(err: Node, preds: Edge[]): Edge[] {
    const li = this.p.lineOf(err);
    this.unparsed.push({ mailLine: li === null ? null : this.p.image.lines[li].mailLine, text: fold(err.text) });
    const stmts = err.namedChildren.filter((c): c is Node => !!c && STATEMENTS.has(c.type));
    if (stmts.length) return this.sequence(stmts, preds);
    if (!err.descendantsOfType('call_expression').length) return preds;
    return this.simple('stmt', err, fold(err.text), err, preds);
  }

  private resolveGotos(): void {
    const missing = new Map<string, number>();
    for (const g of this.gotos) {
      let to = this.labels.get(g.label);
      if (to === undefined) {
        // The label is in elided code (or nowhere): the path continues somewhere unseen.
        to = missing.get(g.label);
        if (to === undefined) {
          to = this.add('gap', null, `${g.label}: (not in the mail)`, null, null, [this.exit]);
          missing.set(g.label, to);
          if (this.p.image.whole) this.unparsed.push({ mailLine: this.nodes[g.id].mailLine, text: `goto ${g.label}: no such label` });
        }
      }
      this.nodes[g.id].succ.push(to);
    }
  }
}

/** Statement nesting the CFG follows; beyond it a statement is read whole. */
const MAX_NESTING = 200;

const STATEMENTS = new Set([
  'expression_statement', 'declaration', 'if_statement', 'while_statement', 'for_statement', 'do_statement',
  'switch_statement', 'return_statement', 'goto_statement', 'break_statement', 'continue_statement',
  'labeled_statement', 'compound_statement',
]);

function isMacroLoopHead(s: Node): boolean {
  if (s.type !== 'expression_statement') return false;
  const call = s.namedChild(0);
  if (call?.type !== 'call_expression') return false;
  const last = s.child(s.childCount - 1);
  return !!last && last.isMissing;
}

function condText(cond: Node | null): string {
  if (!cond) return '';
  const inner = cond.type === 'parenthesized_expression' ? cond.namedChildren.find((c): c is Node => !!c && c.type !== 'comment') ?? cond : cond;
  return fold(inner.text);
}

/** The control-flow graph of a function image. Needs the C parser loaded. */
export function buildCfg(image: FunctionImage): Cfg {
  const parsed = parseImage(image);
  try {
    const b = new CfgBuilder(parsed);
    return { fn: image.name, nodes: b.nodes, entry: b.entry, exit: b.exit, partial: !image.whole, unparsed: b.unparsed };
  } finally {
    parsed.delete();
  }
}
