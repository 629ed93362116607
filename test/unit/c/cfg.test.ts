import { strict as assert } from 'node:assert';
import { getCParser } from '../../../src/c/parser';
import { buildCfg, parseImage, ELIDED } from '../../../src/c/cfg';
import type { Cfg, CfgNode, FunctionImage } from '../../../src/c/types';

/** An image from source lines; mail lines are 100, 101, ... */
function image(src: string, opts: Partial<FunctionImage> = {}): FunctionImage {
  const lines = src.split('\n').map((text, i) => ({ text, op: ' ' as const, mailLine: 100 + i, hunk: 0 }));
  const gaps = opts.gaps ?? [];
  return { name: 'f', side: 'post', path: 'fs/dax.c', lines, whole: gaps.length === 0, gaps, source: 'mail', ...opts };
}

const node = (cfg: Cfg, pred: (n: CfgNode) => boolean, what: string) => {
  const n = cfg.nodes.find(pred);
  assert.ok(n, `no node: ${what}`);
  return n;
};
const byText = (cfg: Cfg, text: string) => node(cfg, (n) => n.text === text, text);

/** Every node reachable from `from`. */
function reach(cfg: Cfg, from: number): Set<number> {
  const seen = new Set<number>([from]);
  const todo = [from];
  while (todo.length) for (const s of cfg.nodes[todo.pop()!].succ) if (s >= 0 && !seen.has(s)) { seen.add(s); todo.push(s); }
  return seen;
}

describe('c/cfg: control-flow graphs of rebuilt functions', () => {
  before(async () => { await getCParser(); });

  it('if/else branches are [true, false]; a return inside the branch goes to exit', () => {
    const cfg = buildCfg(image([
      'static void *f(struct address_space *mapping)',
      '{',
      '\tint err;',
      '',
      '\terr = radix_tree_preload(mapping_gfp_mask(mapping) & ~__GFP_HIGHMEM);',
      '\tif (err)',
      '\t\treturn ERR_PTR(err);',
      '\telse',
      '\t\tx = 1;',
      '\treturn NULL;',
      '}',
    ].join('\n')));
    const b = byText(cfg, 'err');
    assert.equal(b.kind, 'branch');
    const ret = cfg.nodes[b.succ[0]];
    assert.equal(ret.kind, 'return');
    assert.equal(ret.text, 'return ERR_PTR(err);');
    assert.deepEqual(ret.succ, [cfg.exit]);
    assert.equal(ret.mailLine, 106);
    assert.equal(ret.lineIndex, 6);
    assert.equal(cfg.nodes[b.succ[1]].text, 'x = 1;');
    const call = byText(cfg, 'err = radix_tree_preload(mapping_gfp_mask(mapping) & ~__GFP_HIGHMEM);');
    assert.deepEqual(call.calls.map((c) => [c.name, c.assignedTo]), [['mapping_gfp_mask', null], ['radix_tree_preload', 'err']]);
    assert.deepEqual(call.calls[1].args, ['mapping_gfp_mask(mapping) & ~__GFP_HIGHMEM']);
    assert.deepEqual(call.assigns, [{ target: 'err', value: 'radix_tree_preload(mapping_gfp_mask(mapping) & ~__GFP_HIGHMEM)', op: '=' }]);
    assert.equal(cfg.partial, false);
    assert.deepEqual(cfg.unparsed, []);
  });

  it('a goto from inside nested ifs reaches its label, and the label reaches the exit', () => {
    const cfg = buildCfg(image([
      'static void *f(void)',
      '{',
      '\tif (a) {',
      '\t\tif (b) {',
      '\t\t\tentry = ERR_PTR(-EEXIST);',
      '\t\t\tgoto out_unlock;',
      '\t\t}',
      '\t}',
      '\tentry = lock_slot(mapping, slot);',
      ' out_unlock:',
      '\tspin_unlock_irq(&mapping->tree_lock);',
      '\treturn entry;',
      '}',
    ].join('\n')));
    const g = byText(cfg, 'goto out_unlock;');
    const label = byText(cfg, 'out_unlock:');
    assert.equal(g.kind, 'goto');
    assert.equal(label.kind, 'label');
    assert.deepEqual(g.succ, [label.id]);
    assert.ok(reach(cfg, label.id).has(cfg.exit));
    assert.equal(byText(cfg, 'entry = lock_slot(mapping, slot);').succ[0], label.id);
    assert.equal(cfg.nodes[label.succ[0]].text, 'spin_unlock_irq(&mapping->tree_lock);');
  });

  it('loops have back edges; break and continue go to the right places', () => {
    const cfg = buildCfg(image([
      'int f(int n)',
      '{',
      '\tint i;',
      '\tfor (i = 0; i < n; i++) {',
      '\t\tif (skip(i))',
      '\t\t\tcontinue;',
      '\t\tif (stop(i))',
      '\t\t\tbreak;',
      '\t\twork(i);',
      '\t}',
      '\twhile (more())',
      '\t\tdrain();',
      '\tdo {',
      '\t\tretry();',
      '\t} while (again());',
      '\treturn i;',
      '}',
    ].join('\n')));
    const cond = byText(cfg, 'i < n');
    const update = byText(cfg, 'i++');
    assert.equal(cond.kind, 'branch');
    assert.deepEqual(byText(cfg, 'work(i);').succ, [update.id]);
    assert.deepEqual(update.succ, [cond.id]);
    assert.deepEqual(byText(cfg, 'continue;').succ, [update.id]);
    const more = byText(cfg, 'more()');
    assert.deepEqual(byText(cfg, 'break;').succ, [more.id]);
    assert.equal(cfg.nodes[cond.succ[1]].id, more.id);
    assert.deepEqual(byText(cfg, 'drain();').succ, [more.id]);
    const again = byText(cfg, 'again()');
    const top = cfg.nodes[again.succ[0]];
    assert.equal(top.text, 'do');
    assert.deepEqual(top.succ, [byText(cfg, 'retry();').id]);
    assert.equal(cfg.nodes[again.succ[1]].text, 'return i;');
  });

  it('switch: one successor per case label, fall-through, break to after the switch', () => {
    const cfg = buildCfg(image([
      'int f(void *entry)',
      '{',
      '\tswitch (entry_kind(entry)) {',
      '\tcase 0:',
      '\t\tret = map(entry);',
      '\t\tbreak;',
      '\tcase 1:',
      '\t\tret = -EIO;',
      '\tdefault:',
      '\t\treturn ret;',
      '\t}',
      '\treturn 0;',
      '}',
    ].join('\n')));
    const sw = byText(cfg, 'entry_kind(entry)');
    assert.equal(sw.kind, 'branch');
    assert.deepEqual(sw.cases, ['0', '1', 'default']);
    assert.deepEqual(sw.succ.map((s) => cfg.nodes[s].text), ['case 0:', 'case 1:', 'default:']);
    assert.deepEqual(byText(cfg, 'ret = -EIO;').succ, [byText(cfg, 'default:').id]);
    assert.deepEqual(byText(cfg, 'break;').succ, [byText(cfg, 'return 0;').id]);
    assert.equal(sw.calls[0].name, 'entry_kind');
  });

  it('a kernel iterator macro followed by a block is a loop', () => {
    const cfg = buildCfg(image([
      'void f(struct list_head *head)',
      '{',
      '\tlist_for_each_entry(pos, head, list) {',
      '\t\tput(pos);',
      '\t}',
      '\tdone();',
      '}',
    ].join('\n')));
    const loop = byText(cfg, 'list_for_each_entry(pos, head, list)');
    assert.equal(loop.kind, 'branch');
    assert.deepEqual(byText(cfg, 'put(pos);').succ, [loop.id]);
    assert.equal(cfg.nodes[loop.succ[1]].text, 'done();');
    assert.deepEqual(cfg.unparsed, []);
  });

  it('gaps become gap nodes; the function is partial; an elided label is a gap too', () => {
    const img = image([
      'static void *f(pgoff_t index)',
      '{',
      '\tif (!entry) {',
      '\t\tif (err)',
      '\t\t\tgoto out;',
      '\t\treturn page;',
      '\t}',
      '\treturn entry;',
      '}',
    ].join('\n'), { gaps: [2], whole: false });
    const cfg = buildCfg(img);
    assert.equal(cfg.partial, true);
    const gap = node(cfg, (n) => n.kind === 'gap' && n.lineIndex === 2, 'gap after line 2');
    assert.equal(gap.mailLine, 102);
    assert.equal(cfg.nodes[gap.succ[0]].text, 'err');
    const out = cfg.nodes[byText(cfg, 'goto out;').succ[0]];
    assert.equal(out.kind, 'gap');
    assert.deepEqual(out.succ, [cfg.exit]);
    const parsed = parseImage(img);
    try {
      assert.ok(parsed.text.includes(`${ELIDED}();`));
      const ret = parsed.fn!.descendantsOfType('return_statement')[0]!;
      assert.equal(parsed.lineOf(ret), 5);
    } finally {
      parsed.delete();
    }
  });

  it('an image without its head and end still parses, with synthetic braces', () => {
    const img = image([
      '\t\tindex &= ~PG_PMD_COLOUR;',
      '\t}',
      '\tentry = lock(index);',
    ].join('\n'), { gaps: [-1, 2], whole: false, name: 'g' });
    const parsed = parseImage(img);
    try {
      assert.ok(parsed.fn);
      assert.equal(parsed.root.hasError, false);
    } finally {
      parsed.delete();
    }
    const cfg = buildCfg(img);
    assert.deepEqual(cfg.unparsed, []);
    const lock = byText(cfg, 'entry = lock(index);');
    assert.equal(lock.mailLine, 102);
    assert.equal(cfg.nodes[lock.succ[0]].kind, 'gap');
  });

  it('a piece that closes a block the elided code opened ("} else {") still parses', () => {
    const img = image([
      'static void *f(void *entry)',
      '{',
      '\tint error = 0;',
      '\t\terror = preload();',
      '\t} else if (entry) {',
      '\t\tunmap(entry);',
      '\t}',
      '\treturn NULL;',
      '}',
    ].join('\n'), { gaps: [2], whole: false });
    const cfg = buildCfg(img);
    assert.deepEqual(cfg.unparsed, []);
    const opener = node(cfg, (n) => n.kind === 'gap', 'gap');
    assert.equal(opener.lineIndex, 2);
    assert.equal(opener.succ.length, 2);
    assert.equal(cfg.nodes[opener.succ[0]].text, 'error = preload();');
    assert.equal(cfg.nodes[opener.succ[1]].text, 'entry');
    assert.deepEqual(byText(cfg, 'unmap(entry);').succ, [byText(cfg, 'return NULL;').id]);
  });

  it('reports what tree-sitter could not parse, with the mail line, and keeps the rest', () => {
    const cfg = buildCfg(image([
      'int f(void)',
      '{',
      '\ta = b(;',
      '\tc = d(e);',
      '\treturn a;',
      '}',
    ].join('\n')));
    assert.ok(cfg.unparsed.length >= 1);
    assert.equal(cfg.unparsed[0].mailLine, 102);
    assert.equal(byText(cfg, 'c = d(e);').calls[0].name, 'd');
    assert.equal(byText(cfg, 'return a;').kind, 'return');
  });

  it('absurd nesting does not crash: past the limit a statement is read whole and the CFG says so', () => {
    const n = 3000;
    const cfg = buildCfg(image(['int f(void)', '{', ...Array(n).fill('if (a) {'), 'x = ' + '('.repeat(n) + 'g(1)' + ')'.repeat(n) + ';', ...Array(n).fill('}'), '}'].join('\n')));
    assert.equal(cfg.unparsed.length, 1);
    assert.match(cfg.unparsed[0].text, /nested more than \d+ deep/);
    assert.ok(cfg.nodes.some((x) => x.calls.some((c) => c.name === 'g')), 'calls inside are still found');
  });
});
