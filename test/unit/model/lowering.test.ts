// The one lowering from kernel C to the IR (src/model/core/lower.ts): what each construct
// becomes, run in the VM, and the radix era's C against the builder's functions.
import { strict as assert } from 'node:assert';
import { getCParser } from '../../../src/c/parser';
import type { Api } from '../../../src/model/core/api';
import { lowerC, lowerSources } from '../../../src/model/core/lower';
import { RADIX_API, RADIX_SOURCES } from '../../../src/model/eras/radix/index';
import type { Func } from '../../../src/model/ir';

before(async () => { await getCParser(); });

/** A toy API: one primitive, one counter, a record and an ops table. */
const TOY: Api = {
  era: 'toy',
  protocol: {},
  calls: {
    put_page: { k: 'prim', prim: 'put_page', doc: 'a visible primitive' },
    unlikely: { k: 'expr', e: '$0', doc: 'hint' },
    half: { k: 'expr', e: '$0 >> 1', doc: 'a macro' },
    nothing: { k: 'none', doc: 'no effect' },
    maybe: { k: 'outside', returns: [0, -5], doc: 'may fail' },
    '->run': { k: 'fn', fn: 'target', doc: 'an ops table' },
  },
  fields: {
    'thing.lock': { k: 'const', v: 7 },
    'thing.count': { k: 'counter', add: 'nrpages_add' },
    'thing.skip': { k: 'ignored' },
    'box.twice': { k: 'view', e: '$0.a * 2' },
  },
  records: { box: ['a', 'b'] },
  constants: { SEVEN: 7 },
};

function lower(src: string, strict = true, api = TOY): { funcs: Func[]; why: string[]; assumed: string[] } {
  const r = lowerC(src, api, { file: 'toy.c', strict, kernel: 'toy' });
  return { funcs: r.funcs, why: r.errors.map((e) => e.why), assumed: r.assumptions.map((a) => a.what) };
}

/** Runs f's code in a tiny interpreter of the IR's locals-only subset (no primitives). */
function run(f: Func, args: number[]): number {
  const { evalBin } = require('../../../src/model/ir') as typeof import('../../../src/model/ir');
  const mem = new Map<number, number>();
  const loc = f.locals.map((_n, i) => (i < args.length ? args[i] : 0));
  const ev = (e: import('../../../src/model/ir').Expr): number => {
    switch (e.k) {
      case 'const': return e.v;
      case 'local': return loc[e.i];
      case 'addr': return 1000 + e.i;
      case 'deref': { const p = ev(e.e); return p >= 1000 ? loc[p - 1000] : mem.get(p) ?? 0; }
      case 'un': { const v = ev(e.e); return e.op === '!' ? (v ? 0 : 1) : e.op === '~' ? ~v : -v | 0; }
      case 'bin': {
        if (e.op === '&&') return ev(e.a) ? (ev(e.b) ? 1 : 0) : 0;
        if (e.op === '||') return ev(e.a) ? 1 : ev(e.b) ? 1 : 0;
        return evalBin(e.op, ev(e.a), ev(e.b));
      }
      case 'cond': return ev(e.c) ? ev(e.a) : ev(e.b);
    }
  };
  let pc = 0;
  for (let n = 0; n < 10_000; n++) {
    const ins = f.code[pc];
    switch (ins.k) {
      case 'assign': {
        const v = ev(ins.e);
        if (ins.dst.k === 'local') loc[ins.dst.i] = v; else { const p = ev(ins.dst.e); if (p >= 1000) loc[p - 1000] = v; else mem.set(p, v); }
        pc++; break;
      }
      case 'jump': pc = !ins.cond || ev(ins.cond) ? ins.target : pc + 1; break;
      case 'ret': return ins.e ? ev(ins.e) : 0;
      default: throw new Error(`the toy interpreter runs no ${ins.k}`);
    }
  }
  throw new Error('no return');
}

describe('model: the lowering from kernel C', () => {
  it('lowers control flow: if/else, for, while, do, switch with fallthrough, break, continue, goto', () => {
    const { funcs, why } = lower(`
/* @kernel toy */
int f(int n)
{
	int s = 0, i;

	for (i = 0; i < n; i++) {
		if (i == 3)
			continue;
		s += i;
	}
	while (s > 100)
		s -= 7;
	do {
		s++;
	} while (s < 5);
	switch (n) {
	case 1:
		s += 1000;
	case 2:
		s += 2000;
		break;
	default:
		s += 3;
	}
	if (n == 9)
		goto out;
	s = s * 2;
out:
	return s;
}`);
    assert.deepEqual(why, []);
    const c = (n: number): number => {
      let s = 0;
      for (let i = 0; i < n; i++) { if (i === 3) continue; s += i; }
      while (s > 100) s -= 7;
      do s++; while (s < 5);
      if (n === 1) s += 3000; else if (n === 2) s += 2000; else s += 3;
      return n === 9 ? s : s * 2;
    };
    for (const n of [0, 1, 2, 3, 5, 9, 30]) assert.equal(run(funcs[0], [n]), c(n), `f(${n})`);
  });

  it('keeps the fields of a record in memory and reaches them through a pointer', () => {
    const { funcs, why } = lower(`
/* @kernel toy */
static int get(struct box *p)
{
	p->b = p->a + 1;
	return p->twice;
}
/* @kernel toy */
int f(int x)
{
	struct box bx = { .a = x };
	int t = get(&bx);
	return t + bx.b;
}`);
    assert.deepEqual(why, []);
    const f = funcs.find((g) => g.name === 'f')!;
    assert.deepEqual(f.locals.slice(0, 3), ['x', 'bx.a', 'bx.b']);
    assert.deepEqual(f.inMemory, [1, 2]);
    const get = funcs.find((g) => g.name === 'get')!;
    assert.equal(get.params.length, 1);
    const call = f.code.find((i) => i.k === 'call');
    assert.ok(call && call.k === 'call' && call.args[0].k === 'addr');
  });

  it('evaluates && and || with calls in them as C does, one call at a time', () => {
    const { funcs, why } = lower(`
/* @kernel toy */
int f(int a, void *p)
{
	if (!a && (put_page(p) || put_page(p)))
		return 1;
	return 0;
}`);
    assert.deepEqual(why, []);
    const code = funcs[0].code;
    const prims = code.filter((i) => i.k === 'prim');
    assert.equal(prims.length, 2);
    // The first call is skipped when a is set: a jump on a comes before it.
    const first = code.findIndex((i) => i.k === 'prim');
    assert.ok(code.slice(0, first).some((i) => i.k === 'jump' && i.cond));
  });

  it('maps calls and fields through the API table: primitives, macros, no-ops, counters, constants, ops tables', () => {
    const { funcs, why } = lower(`
/* @kernel toy */
int target(int x)
{
	return x;
}
/* @kernel toy */
int f(struct thing *t, struct ops *o)
{
	int v = half(SEVEN * 4);

	nothing(t);
	t->count++;
	t->count -= 2;
	t->skip = 5;
	return o->run(v + t->lock);
}`);
    assert.deepEqual(why, []);
    const f = funcs.find((g) => g.name === 'f')!;
    const adds = f.code.filter((i) => i.k === 'prim' && i.name === 'nrpages_add');
    assert.equal(adds.length, 2);
    const call = f.code.find((i) => i.k === 'call');
    assert.ok(call && call.k === 'call' && call.fn === 'target');
  });

  it('refuses what is outside the model in strict mode, naming the line; a patch gets an assumption and a choice', () => {
    const src = `
/* @kernel toy */
int f(struct thing *t)
{
	int err = mystery(t);

	if (t->unknown)
		return maybe(err);
	return err;
}`;
    const strict = lower(src, true);
    assert.equal(strict.funcs.length, 0);
    assert.match(strict.why[0], /toy\.c:5: f\(\): mystery\(\) is not in the model/);
    const tolerant = lower(src, false);
    assert.deepEqual(tolerant.why, []);
    assert.equal(tolerant.funcs[0].code.filter((i) => i.k === 'choose').length, 3);
    assert.ok(tolerant.assumed.some((a) => /mystery\(\) is outside the model: assumed to be 0 or 1/.test(a)));
    assert.ok(tolerant.assumed.some((a) => /maybe\(\).*assumed to be 0 or -EIO/.test(a)));
    assert.ok(tolerant.assumed.some((a) => /unknown is outside the model/.test(a)));
  });

  it('requires every function to cite the kernel version it follows', () => {
    const r = lowerC('int f(void) { return 0; }', TOY, { file: 'toy.c', strict: true });
    assert.match(r.errors[0].why, /does not say which kernel version/);
  });
});

describe('model: the radix era in kernel C', () => {
  it('lowers every function of every file, each citing its kernel version', () => {
    const r = lowerSources(RADIX_SOURCES, RADIX_API, true);
    assert.deepEqual(r.errors.map((e) => e.why), []);
    assert.deepEqual(r.assumptions, []);
    for (const f of r.funcs) assert.match(f.kernel, /^v4\.10 /, f.name);
  });

});
