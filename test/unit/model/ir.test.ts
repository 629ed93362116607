import { strict as assert } from 'node:assert';
import { compile, evalPure, FnBuilder, K, parseExpr, type Expr } from '../../../src/model/ir';
import { compileReference, REFERENCE } from '../../../src/model/dax/index';
import { link } from '../../../src/model/vm';

const scope = (names: string[]) => ({ local: (n: string) => { const i = names.indexOf(n); return i < 0 ? undefined : i; } });

/** Evaluates a parsed expression over given local values (no pointers). */
function ev(e: Expr, locals: number[]): number {
  switch (e.k) {
    case 'const': return e.v;
    case 'local': return locals[e.i];
    case 'un': { const v = ev(e.e, locals); return e.op === '!' ? (v ? 0 : 1) : e.op === '~' ? ~v : -v; }
    case 'bin': {
      const a = ev(e.a, locals); const b = ev(e.b, locals);
      switch (e.op) {
        case '|': return a | b; case '&': return a & b; case '||': return a || b ? 1 : 0; case '&&': return a && b ? 1 : 0;
        case '==': return a === b ? 1 : 0; case '+': return a + b; case '<<': return a << b; case '-': return a - b;
        default: throw new Error(e.op);
      }
    }
    case 'cond': return ev(e.c, locals) ? ev(e.a, locals) : ev(e.b, locals);
    case 'pure': return evalPure(e.fn, e.args.map((a) => ev(a, locals)));
    default: throw new Error(e.k);
  }
}

describe('model IR', () => {
  it('uses the v4.10 bit layout of DAX exceptional entries', () => {
    assert.equal(K.RADIX_TREE_EXCEPTIONAL_ENTRY, 2);
    assert.equal(K.RADIX_TREE_EXCEPTIONAL_SHIFT, 2);
    assert.equal(K.RADIX_DAX_ENTRY_LOCK, 1 << 2);
    assert.equal(K.RADIX_DAX_PMD, 1 << 3);
    assert.equal(K.RADIX_DAX_HZP, 1 << 4);
    assert.equal(K.RADIX_DAX_EMPTY, 1 << 5);
    assert.equal(K.RADIX_DAX_SHIFT, 6);
    const e = evalPure('dax_radix_locked_entry', [5, K.RADIX_DAX_PMD]);
    assert.equal(e, 2 | 8 | 4 | (5 << 6));
    assert.equal(evalPure('dax_radix_sector', [e]), 5);
    assert.equal(evalPure('dax_radix_order', [e]), 9);
    assert.equal(evalPure('dax_radix_order', [e & ~K.RADIX_DAX_PMD]), 0);
    assert.equal(evalPure('radix_tree_exceptional_entry', [e]), 1);
    assert.equal(evalPure('radix_tree_exceptional_entry', [4 << 2]), 0, 'a page pointer is word aligned');
    assert.equal(evalPure('IS_ERR', [-K.EEXIST]), 1);
    assert.equal(evalPure('IS_ERR', [e]), 0);
  });

  it('parses C expressions with C precedence, casts, ternaries, & and *', () => {
    const names = ['a', 'b', 'c', 'entry', 'wake_all', 'slot', 'entryp'];
    const p = (src: string, locals: number[]) => ev(parseExpr(src, scope(names)), locals);
    assert.equal(p('a | b & c', [1, 2, 4]), 1 | (2 & 4));
    assert.equal(p('!a || b && c', [1, 1, 0]), 0);
    assert.equal(p('a + b << c', [1, 1, 2]), 8);
    assert.equal(p('(unsigned long)entry & RADIX_DAX_PMD', [0, 0, 0, 8 | 2]), 8);
    assert.equal(p('wake_all ? 0 : 1', [0, 0, 0, 0, 1]), 0);
    assert.equal(p('wake_all ? 0 : 1', [0, 0, 0, 0, 0]), 1);
    assert.equal(p('dax_is_pmd_entry(entry) && !dax_is_zero_entry(entry)', [0, 0, 0, 8 | 2]), 1);
    assert.equal(p('0x200 | 0x1ffUL', []), 0x3ff);
    assert.deepEqual(parseExpr('&slot', scope(names)), { k: 'addr', i: 5, name: 'slot' });
    assert.deepEqual(parseExpr('*entryp', scope(names)), { k: 'deref', e: { k: 'local', i: 6, name: 'entryp' } });
  });

  it('names what it cannot read', () => {
    assert.throws(() => parseExpr('entry & FOO', scope(['entry'])), /unknown identifier 'FOO'/);
    assert.throws(() => parseExpr('frob(entry)', scope(['entry'])), /'frob' is not a pure helper/);
    assert.throws(() => parseExpr('entry +', scope(['entry'])), /end of C expression/);
    assert.throws(() => parseExpr('entry entry', scope(['entry'])), /trailing 'entry'/);
  });

  it('builds functions with variation points: default, configured, and rejected values', () => {
    const def = {
      name: 'f', kernel: 'test', params: ['x'], locals: ['y'],
      body: (b: FnBuilder) => {
        const all = b.point('wake_all', 'wake(..., true)', [true, false], true);
        b.assign('y', all ? 'x + 1' : 'x');
        b.ret('y');
      },
    };
    assert.equal(compile(def).code.length, 2);
    assert.deepEqual(compile(def).points, [{ name: 'wake_all', c: 'wake(..., true)', values: [true, false], default: true }]);
    assert.deepEqual((compile(def, { 'f.wake_all': false }).code[0] as { e: Expr }).e, { k: 'local', i: 0, name: 'x' });
    assert.throws(() => compile(def, { 'f.wake_all': 'maybe' }), /not one of true, false/);
    assert.throws(() => compileReference({ 'grab_mapping_entry.no_such_point': true }), /unknown variation point/);
    assert.throws(() => compile({ ...def, body: (b) => b.goto('nowhere') }), /unknown label 'nowhere'/);
  });

  it('links by name: unknown calls and wrong arities are errors, a later definition substitutes', () => {
    const ref = compileReference();
    const f = compile({ name: 'caller', kernel: 't', params: [], locals: [], body: (b) => b.call('nope', []) });
    assert.throws(() => link([...ref, f]), /calls nope/);
    const g = compile({ name: 'caller', kernel: 't', params: [], locals: [], body: (b) => b.call('grab_mapping_entry', ['1']) });
    assert.throws(() => link([...ref, g]), /takes 3 arguments/);
    const sub = compile({ name: 'put_unlocked_mapping_entry', kernel: 'patched', params: ['mapping', 'index', 'entry'], locals: [], body: (b) => b.ret() });
    const prog = link([...ref, sub]);
    assert.equal(prog.funcs[prog.byName.get('put_unlocked_mapping_entry')!].kernel, 'patched');
    assert.equal(prog.funcs.length, REFERENCE.length);
  });

  it('labels every instruction of every reference function with C and cites a kernel version', () => {
    for (const f of compileReference()) {
      assert.match(f.kernel, /v4\.\d+/, f.name);
      for (const i of f.code) assert.ok(i.label.length > 0, `${f.name}: unlabelled ${i.k}`);
    }
  });
});
