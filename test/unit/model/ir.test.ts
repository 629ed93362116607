import { strict as assert } from 'node:assert';
import type { Expr } from '../../../src/model/ir';
import { K } from '../../../src/model/objects/constants';
import { lowerC } from '../../../src/model/core/lower';
import { RADIX_ERA } from '../../../src/model/eras/radix/index';
import { referenceFunctions } from '../../../src/model/index';
import { link } from '../../../src/model/index';
import { cfn } from './helpers';

/** The IR of a C expression over named int parameters, as the lowering makes it. */
function parseExpr(src: string, names: string[]): Expr {
  const r = lowerC(`int f(${names.map((n) => `int ${n}`).join(', ') || 'void'})\n{\n\treturn ${src};\n}`, RADIX_ERA.api, { file: 't.c', strict: true, kernel: 'test' });
  if (r.errors.length) throw new Error(r.errors[0].why);
  const ret = r.funcs[0].code.find((i) => i.k === 'ret');
  if (!ret || ret.k !== 'ret' || !ret.e) throw new Error('no return');
  return ret.e;
}

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
        case '==': return a === b ? 1 : 0; case '!=': return a !== b ? 1 : 0; case '+': return a + b; case '<<': return a << b;
        case '>>': return a >> b; case '-': return a - b; case '<': return a < b ? 1 : 0; case '>=': return a >= b ? 1 : 0;
        default: throw new Error(e.op);
      }
    }
    case 'cond': return ev(e.c, locals) ? ev(e.a, locals) : ev(e.b, locals);
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
    // The entry helpers are the era's API table's expressions, lowered as the C calls them.
    const p = (src: string, ...locals: number[]) => ev(parseExpr(src, ['e', 'x']), locals);
    const e = p('dax_radix_locked_entry(5, RADIX_DAX_PMD)');
    assert.equal(e, 2 | 8 | 4 | (5 << 6));
    assert.equal(p('dax_radix_sector(e)', e), 5);
    assert.equal(p('dax_radix_order(e)', e), 9);
    assert.equal(p('dax_radix_order(e)', e & ~K.RADIX_DAX_PMD), 0);
    assert.equal(p('radix_tree_exceptional_entry(e)', e), 1);
    assert.equal(p('radix_tree_exceptional_entry(e)', 4 << 2), 0, 'a page pointer is word aligned');
    assert.equal(p('IS_ERR(x)', 0, -K.EEXIST), 1);
    assert.equal(p('IS_ERR(e)', e), 0);
    assert.equal(p('IS_ERR(x)', 0, -5000), 0, 'below -MAX_ERRNO is no error pointer');
    assert.equal(p('dax_fault_return(x)', 0, -K.ENOMEM), K.VM_FAULT_OOM);
  });

  it('evaluates an argument with an effect once, however often the helper reads it', () => {
    const r = lowerC('int f(int *p)\n{\n\treturn IS_ERR(get_unlocked_mapping_entry(0, 0, 0));\n}', RADIX_ERA.api,
      { file: 't.c', strict: true, kernel: 'test', known: new Set(['get_unlocked_mapping_entry']) });
    assert.deepEqual(r.errors, []);
    assert.equal(r.funcs[0].code.filter((i) => i.k === 'call').length, 1);
  });

  it('lowers C expressions with C precedence, casts, ternaries, & and *', () => {
    const names = ['a', 'b', 'c', 'entry', 'wake_all', 'slot', 'entryp'];
    const p = (src: string, locals: number[]) => ev(parseExpr(src, names), locals);
    assert.equal(p('a | b & c', [1, 2, 4]), 1 | (2 & 4));
    assert.equal(p('!a || b && c', [1, 1, 0]), 0);
    assert.equal(p('a + b << c', [1, 1, 2]), 8);
    assert.equal(p('(unsigned long)entry & RADIX_DAX_PMD', [0, 0, 0, 8 | 2]), 8);
    assert.equal(p('wake_all ? 0 : 1', [0, 0, 0, 0, 1]), 0);
    assert.equal(p('wake_all ? 0 : 1', [0, 0, 0, 0, 0]), 1);
    assert.equal(p('dax_is_pmd_entry(entry) && !dax_is_zero_entry(entry)', [0, 0, 0, 8 | 2]), 1);
    assert.equal(p('0x200 | 0x1ffUL', []), 0x3ff);
    assert.deepEqual(parseExpr('&slot', names), { k: 'addr', i: 5, name: 'slot' });
    assert.deepEqual(parseExpr('*entryp', names), { k: 'deref', e: { k: 'local', i: 6, name: 'entryp' } });
  });

  it('names what it cannot read', () => {
    assert.throws(() => parseExpr('entry & FOO', ['entry']), /'FOO' is outside the model/);
    assert.throws(() => parseExpr('frob(entry)', ['entry']), /frob\(\) is not in the model/);
  });

  it('configures variation points by name: default, set, and rejected values and names', () => {
    const grab = (points: Record<string, string | boolean>) => referenceFunctions(points).find((f) => f.name === 'grab_mapping_entry')!;
    assert.deepEqual(grab({}).points.map((p) => p.name),
      ['eexist_put', 'downgrade_wake_all', 'preload_fail', 'unmap_vs_preload', 'insert_eexist_restart']);
    assert.notDeepEqual(grab({ 'grab_mapping_entry.downgrade_wake_all': false }).code, grab({}).code);
    assert.deepEqual(grab({ downgrade_wake_all: true }).code, grab({}).code);
    assert.throws(() => grab({ 'grab_mapping_entry.downgrade_wake_all': 'maybe' }), /not one of true, false/);
    assert.throws(() => referenceFunctions({ 'grab_mapping_entry.no_such_point': true }), /unknown variation point/);
  });

  it('links by name: unknown calls and wrong arities are errors, a later definition substitutes', () => {
    const ref = referenceFunctions();
    const lower = (src: string) => lowerC(src, RADIX_ERA.api, { file: 't.c', strict: false, kernel: 't', known: new Set(['nope', ...ref.map((f) => f.name)]) }).funcs[0];
    assert.throws(() => link([...ref, lower('void caller(void)\n{\n\tnope();\n}')]), /calls nope/);
    assert.throws(() => link([...ref, lower('void caller(void)\n{\n\tgrab_mapping_entry(1);\n}')]), /takes 3 arguments/);
    const sub = cfn('static void put_unlocked_mapping_entry(struct address_space *mapping, pgoff_t index, void *entry)\n{\n\treturn;\n}');
    const prog = link([...ref, sub]);
    assert.equal(prog.funcs[prog.byName.get('put_unlocked_mapping_entry')!].kernel, 'test');
    assert.equal(prog.funcs.length, ref.length);
  });

  it('labels every instruction of every reference function with C and cites a kernel version', () => {
    for (const f of referenceFunctions()) {
      assert.match(f.kernel, /v4\.\d+/, f.name);
      for (const i of f.code) assert.ok(i.label.length > 0, `${f.name}: unlabelled ${i.k}`);
    }
  });
});
