// Kernel C shapes read from a whole file (what tree mode sees): every function found with
// its exact extent, and a CFG for each.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { getCParser } from '../../../src/c/parser';
import { segmentRuns, type Segment } from '../../../src/c/segment';
import { toImage } from '../../../src/c/images';
import { buildCfg } from '../../../src/c/cfg';
import type { Cfg } from '../../../src/c/types';

const FILE = path.join(__dirname, '..', '..', 'fixtures', 'c', 'constructs.c');

describe('c: kernel C shapes in a whole file', () => {
  let text: string[];
  let segs: Segment[];
  const cfgOf = (name: string, nth = 0): Cfg => buildCfg(toImage(segs.filter((s) => s.name === name)[nth], 'post', 'constructs.c', 'tree'));

  before(async () => {
    await getCParser();
    text = readFileSync(FILE, 'utf8').split('\n');
    const lines = text.map((t, i) => ({ text: t, op: null, mailLine: i + 1, hunk: null }));
    segs = segmentRuns([{ lines, hint: null, hintNotFunction: false, fallback: null, indentReliable: true, adjacent: false }]);
  });

  it('finds every function, and only functions, each whole from its head to its closing brace', () => {
    assert.deepEqual(segs.map((s) => s.name), [
      'example_init', 'example_rw', 'example_grab', 'example_scan', 'example_wait',
      'example_big_fault', 'example_big_fault', 'example_mkwrite', 'example_kind', 'example_alternatives',
    ]);
    for (const s of segs) {
      assert.ok(s.hasStart && s.hasEnd && s.gaps.length === 0, s.name);
      assert.equal(s.lines[s.lines.length - 1].text, '}', s.name);
    }
    const rw = segs.find((s) => s.name === 'example_rw')!;
    assert.deepEqual(rw.lines.slice(0, 2).map((l) => l.text), ['ssize_t', 'example_rw(struct kiocb *iocb, struct iov_iter *iter,']);
    assert.equal(segs[0].lines[0].text, 'static int __init example_init(void)');
  });

  it('every CFG builds; labels at column 0, iterator macros, do/while and switch are read', () => {
    for (const s of segs) {
      assert.deepEqual(buildCfg(toImage(s, 'post', null, 'tree')).unparsed, [], s.name);
    }
    const grab = cfgOf('example_grab');
    const retry = grab.nodes.find((n) => n.kind === 'label' && n.text === 'retry:')!;
    assert.deepEqual(grab.nodes.find((n) => n.text === 'goto retry;')!.succ, [retry.id]);
    assert.equal(grab.nodes.filter((n) => n.kind === 'return').length, 2);

    const scan = cfgOf('example_scan');
    const loop = scan.nodes.find((n) => n.text === 'xas_for_each(&xas, entry, end)')!;
    assert.equal(loop.kind, 'branch');
    const conts = scan.nodes.filter((n) => n.text === 'continue;');
    assert.equal(conts.length, 2);
    for (const c of conts) assert.deepEqual(c.succ, [loop.id]);

    const wait = cfgOf('example_wait');
    const cond = wait.nodes.find((n) => n.text === 'error == 0')!;
    assert.equal(wait.nodes[cond.succ[0]].text, 'do');
    assert.equal(wait.nodes.find((n) => n.text === 'break;')!.succ[0], wait.nodes.find((n) => n.text === 'return error;')!.id);

    const kind = cfgOf('example_kind');
    const sw = kind.nodes.find((n) => n.cases)!;
    assert.deepEqual(sw.cases, ['EXAMPLE_HOLE', 'EXAMPLE_UNWRITTEN', 'EXAMPLE_MAPPED', 'default']);
    // case EXAMPLE_HOLE falls through to case EXAMPLE_UNWRITTEN.
    assert.deepEqual(kind.nodes[sw.succ[0]].succ, [sw.succ[1]]);
  });

  it('the #else twin is a separate function; an #ifdef around an else-if reads as compiled in', () => {
    assert.equal(cfgOf('example_big_fault', 0).nodes.filter((n) => n.kind === 'return').length, 2);
    assert.equal(cfgOf('example_big_fault', 1).nodes.filter((n) => n.kind === 'return').length, 1);
    const mk = cfgOf('example_mkwrite');
    assert.deepEqual(mk.unparsed, []);
    const small = mk.nodes.find((n) => n.text === 'order == 0')!;
    const big = mk.nodes[small.succ[1]];
    assert.equal(big.text, 'order == 9');
    assert.equal(mk.nodes[big.succ[0]].text, 'ret = example_insert_big(vmf);');
    assert.equal(mk.nodes[big.succ[1]].text, 'ret = VM_FAULT_FALLBACK;');
    assert.equal(mk.nodes[small.succ[0]].succ[0], mk.nodes.find((n) => n.text === 'return ret;')!.id);
  });

  it('alternative block openers under #ifdef/#else read as the first branch', () => {
    const cfg = cfgOf('example_alternatives');
    const b = cfg.nodes.find((n) => n.kind === 'branch')!;
    assert.equal(b.text, 'example_is_big(entry)');
    assert.equal(cfg.nodes[b.succ[0]].text, 'example_split(entry);');
  });

  it('a two-sided #ifdef inside a body stays a branch on the directive', () => {
    const lines = [
      'int f(void)', '{', '#ifdef CONFIG_X', '\ta();', '#else', '\tb();', '#endif', '\treturn 0;', '}',
    ].map((t, i) => ({ text: t, op: null, mailLine: i + 1, hunk: null }));
    const [seg] = segmentRuns([{ lines, hint: null, hintNotFunction: false, fallback: null, indentReliable: true, adjacent: false }]);
    const cfg = buildCfg(toImage(seg, 'post', null, 'tree'));
    const b = cfg.nodes.find((n) => n.text === '#ifdef CONFIG_X')!;
    assert.equal(b.kind, 'branch');
    assert.deepEqual(b.succ.map((s) => cfg.nodes[s].text), ['a();', 'b();']);
  });
});
