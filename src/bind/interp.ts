// Whole C functions compiled to the model's IR, so a patched function runs as the mail (or
// the kernel tree) writes it, over the same primitives as the reference functions.
//
// The model's reference functions label every step with the C statement it stands for.
// The compiler walks the tree-sitter tree of the function and, statement by statement:
//   - a statement the reference has (same C, whitespace aside) becomes that step, with the
//     reference's own abstraction of its arguments;
//   - a call of a modelled function becomes a call with the C arguments, when the model can
//     read them (locals, the kernel constants, the pure entry helpers);
//   - a call of a primitive the reference makes with other arguments becomes that primitive
//     with the reference's arguments only when the reference calls it exactly once;
//   - if/else, goto, labels and return compile directly; a condition the model cannot evaluate
//     becomes a choice the explorer branches on (and the trace says so);
//   - anything else stops the compilation, and the reason names the statement and mail line.
// A function that does not compile is run through its variation points instead.
import type { FunctionImage } from '../c/types';
import { parseImage } from '../c/cfg';
import type { Node } from '../c/parser';
import { REFERENCE } from '../model/dax/index';
import { FnBuilder, type FnDef, type Func, type PointValue } from '../model/ir';
import { PRIMS } from '../model/kernel/prims';

/** One builder call of a reference function, with the C it stands for. */
interface Step { k: 'prim' | 'call' | 'assign' | 'if'; name: string; args: string[]; dst?: string; c: string }

class Recorder extends FnBuilder {
  readonly steps: Step[] = [];
  override prim(name: string, args: string[], dst?: string, c?: string): void {
    this.steps.push({ k: 'prim', name, args, dst, c: c ?? '' });
    super.prim(name, args, dst, c);
  }
  override call(fn: string, args: string[], dst?: string, c?: string): void {
    this.steps.push({ k: 'call', name: fn, args, dst, c: c ?? '' });
    super.call(fn, args, dst, c);
  }
  override assign(dst: string, src: string, c?: string): void {
    this.steps.push({ k: 'assign', name: dst, args: [src], c: c ?? `${dst} = ${src};` });
    super.assign(dst, src, c);
  }
  override if(cond: string, then: () => void, otherwise?: () => void, c?: string): void {
    this.steps.push({ k: 'if', name: '', args: [cond], c: c ?? `if (${cond})` });
    super.if(cond, then, otherwise, c);
  }
}

const fold = (s: string): string => s.replace(/\s+/g, '').replace(/;$/, '');

function recordReference(def: FnDef, points: Readonly<Record<string, PointValue>>): Step[] {
  const r = new Recorder(def.name, def.kernel, def.params, def.locals, points);
  def.body(r);
  return r.steps;
}

export interface Compiled {
  func: Func | null;
  /** Why the function did not compile: the first statement the model has no counterpart for. */
  reason: string | null;
  /** Mail lines of the statements compiled, and of those turned into explorer choices. */
  compiled: number[];
  choices: { mailLine: number | null; c: string }[];
}

class Stop extends Error {}

/** Strips C casts the model's expression reader does not take: (unsigned long)x -> x. */
function uncast(s: string): string {
  return s.replace(/\(\s*(?:const\s+)?(?:unsigned\s+long|unsigned\s+int|unsigned|long|int|bool|void\s*\*+|struct\s+\w+\s*\*+)\s*\)/g, '');
}

export function compileImage(img: FunctionImage, points: Readonly<Record<string, PointValue>> = {}): Compiled {
  const def = REFERENCE.find((d) => d.name === img.name);
  if (!def) return { func: null, reason: `${img.name}() is not in the model`, compiled: [], choices: [] };
  if (!img.whole) return { func: null, reason: `${img.name}() is not whole in the mail`, compiled: [], choices: [] };
  const steps = recordReference(def, points);
  const byC = new Map<string, Step>();
  const ifByC = new Map<string, Step>();
  for (const s of steps) {
    if (!s.c) continue;
    const m = s.k === 'if' ? ifByC : byC;
    if (!m.has(fold(s.c))) m.set(fold(s.c), s);
  }
  const parsed = parseImage(img);
  const compiled: number[] = [];
  const choices: Compiled['choices'] = [];
  const temps: string[] = [];
  try {
    const fn = parsed.fn;
    const body = fn?.childForFieldName('body');
    if (!fn || !body) throw new Stop(`tree-sitter found no body for ${img.name}()`);
    const declared = new Set<string>();
    for (const d of body.descendantsOfType('init_declarator')) {
      const id = d?.childForFieldName('declarator')?.descendantsOfType('identifier')[0]?.text;
      if (id) declared.add(id);
    }
    for (const d of body.descendantsOfType('declaration')) {
      for (const c of d?.namedChildren ?? []) if (c && (c.type === 'identifier' || c.type === 'pointer_declarator')) {
        const id = c.type === 'identifier' ? c.text : c.descendantsOfType('identifier')[0]?.text;
        if (id) declared.add(id);
      }
    }
    const locals = [...new Set([...def.locals, ...[...declared].filter((x) => !def.params.includes(x))])];
    // Temporaries for conditions the model cannot evaluate.
    for (let i = 0; i < 16; i++) temps.push(`__choice${i}`);
    const b = new FnBuilder(def.name, def.kernel, def.params, [...locals, ...temps], points);
    let nextTemp = 0;
    const loops: { next: string; end: string }[] = [];
    let loopCount = 0;
    const line = (n: Node): number | null => { const i = parsed.lineOf(n); return i === null ? null : img.lines[i]?.mailLine ?? null; };
    const stop = (n: Node, why: string): never => { throw new Stop(`line ${line(n) ?? '?'}: ${n.text.replace(/\s+/g, ' ').slice(0, 80)}: ${why}`); };
    const readable = (src: string): boolean => { try { b.e(uncast(src)); return true; } catch { return false; } };

    const callOf = (n: Node): Node | null => {
      if (n.type === 'call_expression') return n;
      if (n.type === 'assignment_expression') { const r = n.childForFieldName('right'); return r?.type === 'call_expression' ? r : null; }
      return null;
    };

    const simple = (n: Node, text: string): void => {
      const hit = byC.get(fold(text));
      if (hit) {
        replay(hit);
        return;
      }
      const expr = n.type === 'expression_statement' ? n.namedChild(0) : n;
      if (!expr) return;
      const call = callOf(expr);
      const dst = expr.type === 'assignment_expression' ? expr.childForFieldName('left')?.text ?? undefined : undefined;
      if (dst !== undefined && b.local(dst) === undefined && !dst.startsWith('*')) stop(n, `'${dst}' is not a variable the model has`);
      if (call) {
        const name = call.childForFieldName('function')?.text ?? '';
        const args = (call.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => !!a).map((a) => uncast(a.text));
        if (REFERENCE.some((d) => d.name === name)) {
          if (!args.every(readable)) stop(n, `the model cannot read the arguments of ${name}()`);
          b.call(name, args, dst, text);
          return;
        }
        if (PRIMS[name]) {
          const same = steps.filter((s) => s.k === 'prim' && s.name === name);
          if (same.length !== 1) stop(n, `${name}() is a primitive the reference calls ${same.length} times: which abstraction applies is not known`);
          b.prim(name, same[0].args, dst ?? same[0].dst, text);
          return;
        }
        stop(n, `${name}() is not modelled`);
      }
      if (expr.type === 'assignment_expression' && dst !== undefined) {
        const op = expr.children.find((c) => c && /=$/.test(c.type))?.text ?? '=';
        const rhs = uncast(expr.childForFieldName('right')?.text ?? '');
        const src = op === '=' ? rhs : `${dst} ${op.slice(0, -1)} (${rhs})`;
        if (!readable(src)) stop(n, 'the model cannot evaluate the right-hand side');
        b.assign(dst, src, text);
        return;
      }
      stop(n, 'no model counterpart');
    };

    const replay = (s: Step): void => {
      if (s.k === 'prim') b.prim(s.name, s.args, s.dst, s.c);
      else if (s.k === 'call') b.call(s.name, s.args, s.dst, s.c);
      else if (s.k === 'assign') b.assign(s.name, s.args[0], s.c);
    };

    const cond = (n: Node, text: string): string => {
      const c = uncast(text.replace(/^\(|\)$/g, '').replace(/\b(?:unlikely|likely|WARN_ON_ONCE|WARN_ON)\s*\(/g, '('));
      if (readable(c)) return c;
      // A condition the model cannot evaluate: the explorer tries both outcomes.
      const t = temps[nextTemp++];
      if (!t) stop(n, 'too many conditions the model cannot evaluate');
      b.choose(t, `${text.replace(/\s+/g, ' ')}`, [0, 1], `if ${text.replace(/\s+/g, ' ')}`);
      choices.push({ mailLine: line(n), c: text.replace(/\s+/g, ' ') });
      return t;
    };

    const stmt = (n: Node): void => {
      const text = n.text.replace(/\s+/g, ' ').trim();
      const at = line(n);
      switch (n.type) {
        case 'comment': return;
        case 'compound_statement': for (const c of n.namedChildren) if (c) stmt(c); return;
        case 'declaration': {
          for (const d of n.namedChildren) {
            if (d?.type !== 'init_declarator') continue;
            const name = d.childForFieldName('declarator')?.descendantsOfType('identifier')[0]?.text ?? '';
            const value = uncast(d.childForFieldName('value')?.text ?? '');
            const hit = byC.get(fold(text));
            if (hit) { replay(hit); continue; }
            // The model passes what the C derives its parameters from (the one mapping, the index).
            if (def.params.includes(name)) continue;
            if (/^\{/.test(value)) continue;
            const call = d.childForFieldName('value');
            if (call?.type === 'call_expression') { simple(call, `${name} = ${call.text};`); continue; }
            if (!readable(value)) stop(n, 'the model cannot evaluate the initialiser');
            b.assign(name, value, text);
          }
          break;
        }
        case 'expression_statement': simple(n, text); break;
        case 'if_statement': {
          // The reference may model the test itself as a step (WARN_ON_ONCE(...), page->mapping):
          // then the step runs and the branch reads what it left, as in the reference.
          const head = `if ${n.childForFieldName('condition')?.text ?? ''}`;
          const step = byC.get(fold(head));
          const known = ifByC.get(fold(head));
          if (step) replay(step);
          const c = known ? known.args[0] : step?.dst ? step.dst : cond(n, n.childForFieldName('condition')?.text ?? '1');
          const cons = n.childForFieldName('consequence');
          const alt = n.childForFieldName('alternative');
          const altBody = alt ? (alt.type === 'else_clause' ? alt.namedChildren.find((x) => !!x) ?? null : alt) : null;
          b.if(c, () => { if (cons) stmt(cons); }, altBody ? () => stmt(altBody) : undefined, `if ${n.childForFieldName('condition')?.text ?? ''}`);
          break;
        }
        case 'while_statement': case 'for_statement': {
          // A loop as labels and jumps: test at the top, the update before the back edge.
          const id = loops.length + loopCount++;
          const top = `__loop${id}`;
          const next = `__next${id}`;
          const end = `__end${id}`;
          if (n.type === 'for_statement') {
            const init = n.childForFieldName('initializer');
            if (init) stmt(init.type.endsWith('statement') || init.type === 'declaration' ? init : init);
          }
          b.label(top);
          const test = n.childForFieldName('condition');
          if (test && test.text.replace(/[()\s]/g, '') !== '') {
            const c = cond(n, test.text);
            b.if(`!(${c})`, () => b.goto(end, `/* ${text.slice(0, 40)} ends */`), undefined, `${n.type === 'while_statement' ? 'while' : 'for'} ${test.text}`);
          }
          loops.push({ next, end });
          const body = n.childForFieldName('body');
          if (body) stmt(body);
          loops.pop();
          b.label(next);
          const update = n.childForFieldName('update');
          if (update) simple(update, `${update.text};`);
          b.goto(top, `/* back to the top of the loop */`, true);
          b.label(end);
          break;
        }
        case 'break_statement': {
          const l = loops[loops.length - 1];
          if (!l) stop(n, 'break outside a loop (switch is not compiled)');
          b.goto(l.end, text);
          break;
        }
        case 'continue_statement': {
          const l = loops[loops.length - 1];
          if (!l) stop(n, 'continue outside a loop');
          b.goto(l.next, text);
          break;
        }
        case 'goto_statement': {
          const l = n.childForFieldName('label')?.text ?? '';
          b.goto(l, text, l === 'restart' || l === 'retry');
          break;
        }
        case 'labeled_statement': {
          b.label(n.childForFieldName('label')?.text ?? '');
          for (const c of n.namedChildren.slice(1)) if (c) stmt(c);
          break;
        }
        case 'return_statement': {
          const e = n.namedChild(0);
          if (!e) { b.ret(undefined, text); break; }
          const hit = byC.get(fold(text));
          if (hit) { replay(hit); }
          const src = uncast(e.text);
          if (!readable(src)) stop(n, 'the model cannot evaluate the returned value');
          b.ret(src, text);
          break;
        }
        default: stop(n, `a ${n.type.replace(/_/g, ' ')} the compiler does not take`);
      }
      if (at !== null) compiled.push(at);
    };

    stmt(body);
    return { func: b.build(), reason: null, compiled, choices };
  } catch (e) {
    if (e instanceof Stop) return { func: null, reason: e.message, compiled: [], choices: [] };
    return { func: null, reason: e instanceof Error ? e.message : String(e), compiled: [], choices: [] };
  } finally {
    parsed.delete();
  }
}
