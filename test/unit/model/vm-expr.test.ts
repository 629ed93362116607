// Expressions run as generated JavaScript (vm.ts compileExpr). Their meaning is the IR's:
// exact 32-bit C integer semantics (ir.ts evalBin), PURE helpers truncated to int32,
// short-circuit && and ||, and a dereference of a bad pointer reads 0 and commits a fault.
// A reference evaluator over the IR objects checks random expressions against it.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { evalBin, type BinOp, type Expr, type UnOp } from '../../../src/model/ir';
import { Layout, PTR_BASE, THREAD, FRAME } from '../../../src/model/kernel/layout';
import { Step } from '../../../src/model/kernel/step';
import { compileExpr } from '../../../src/model/vm';

const BIN: BinOp[] = ['||', '&&', '|', '^', '&', '==', '!=', '<', '>', '<=', '>=', '<<', '>>', '+', '-', '*', '/', '%'];
const UN: UnOp[] = ['!', '~', '-'];
const NLOCALS = 4;

/** What the IR means: evaluated over the objects, as the interpreter of the IR would. */
function ref(e: Expr, w: Step, fo: number): number {
  switch (e.k) {
    case 'const': return e.v;
    case 'local': return w.s[w.base + fo + e.i];
    case 'addr': return PTR_BASE + fo + e.i;
    case 'deref': {
      const p = ref(e.e, w, fo);
      const off = p - PTR_BASE;
      if (off < 0 || off >= w.L.threadStride) { w.commit(p === 0 ? 'null-deref' : 'assertion', 'bad pointer'); return 0; }
      return w.s[w.base + off];
    }
    case 'un': { const a = ref(e.e, w, fo); return e.op === '!' ? (a ? 0 : 1) : e.op === '~' ? ~a : -a | 0; }
    case 'bin': {
      if (e.op === '&&') return ref(e.a, w, fo) ? (ref(e.b, w, fo) ? 1 : 0) : 0;
      if (e.op === '||') return ref(e.a, w, fo) ? 1 : (ref(e.b, w, fo) ? 1 : 0);
      const a = ref(e.a, w, fo);
      return evalBin(e.op, a, ref(e.b, w, fo));
    }
    case 'cond': return ref(e.c, w, fo) ? ref(e.a, w, fo) : ref(e.b, w, fo);
  }
}

const value = fc.oneof(fc.integer({ min: -40, max: 40 }), fc.integer(), fc.constantFrom(0, 1, -1, 0x7fffffff, -0x80000000, PTR_BASE));

const exprArb: fc.Arbitrary<Expr> = fc.letrec<{ e: Expr }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    value.map((v): Expr => ({ k: 'const', v })),
    fc.integer({ min: 0, max: NLOCALS - 1 }).map((i): Expr => ({ k: 'local', i, name: `l${i}` })),
    fc.integer({ min: 0, max: NLOCALS - 1 }).map((i): Expr => ({ k: 'addr', i, name: `l${i}` })),
    tie('e').map((e): Expr => ({ k: 'deref', e })),
    fc.tuple(fc.constantFrom(...UN), tie('e')).map(([op, e]): Expr => ({ k: 'un', op, e })),
    fc.tuple(fc.constantFrom(...BIN), tie('e'), tie('e')).map(([op, a, b]): Expr => ({ k: 'bin', op, a, b })),
    fc.tuple(tie('e'), tie('e'), tie('e')).map(([c, a, b]): Expr => ({ k: 'cond', c, a, b })),
  ),
})).e;

describe('model VM: generated expression code', () => {
  it('computes what the IR means, faults included, for random expressions', () => {
    const L = new Layout([0x200], 1, 1, 2, 2 * NLOCALS + FRAME.LOCALS);
    fc.assert(fc.property(exprArb, fc.array(value, { minLength: NLOCALS, maxLength: NLOCALS }), fc.integer({ min: 0, max: 1 }), (e, locals, t) => {
      const s = new Int32Array(L.size);
      const fo = THREAD.STACK + FRAME.LOCALS;
      locals.forEach((v, i) => { s[L.thread(t) + fo + i] = v; });
      const a = new Step(L, s, t, String);
      const b = new Step(L, s.slice(), t, String);
      const got = compileExpr(e)(a, fo);
      const want = ref(e, b, fo);
      assert.equal(got, want);
      assert.deepEqual(a.fault?.kind, b.fault?.kind);
    }), { numRuns: 3000 });
  });
});
