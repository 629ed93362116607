// Tree mode on seed 000 as the archive damaged it (indentation lost, a header-less
// fragment, hunks cut short by the reviewer). The base file is built here from the mail's
// own pre-image lines, with filler of our own between the hunks where the mail shows nothing.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readMail } from '../../../src/mail';
import { parsePatchMail } from '../../../src/patch';
import type { PatchMessage } from '../../../src/patch/types';
import { getCParser } from '../../../src/c/parser';
import { applyToTree } from '../../../src/c/tree';
import { buildCfg } from '../../../src/c/cfg';
import type { TreeResult } from '../../../src/c/types';

const SEEDS = path.join(__dirname, '..', '..', 'fixtures', 'seeds');

/** Filler before hunk N (by mail order) and after the last one. */
const FILLER: string[][] = [
  ['/* base text for the test */', '', 'static wait_queue_head_t *dax_entry_waitqueue(struct address_space *mapping,', '\t\tpgoff_t index, void *entry)', '{', '\tunsigned long hash;', '', '\t/*', '\t * filler: how entries hash to waitqueues'],
  ['\thash = filler_hash(mapping, index);', '\treturn filler_table + hash;', '}', ''],
  ['\t\tfiller_inserted(mapping);', '\t\treturn entry;', '\t}', '\tif (filler_is_page(entry)) {', '\t\tstruct page *page = entry;', ''],
  ['', 'static int copy_user_dax(struct block_device *bdev, sector_t sector, size_t size,', '\t\tstruct page *to, unsigned long vaddr)', '{', '\tfiller_copy(to);'],
  ['\tbool hole_fill = false;', '\tvoid *new_entry;', '\tpgoff_t index = vmf->pgoff;', '', '\tif (filler_is_page(entry)) {', '\t\thole_fill = true;'],
  ['\t\tfiller_replace(slot, new_entry);', '\t}', ' unlock:', '\tspin_unlock_irq(&mapping->tree_lock);', '\treturn new_entry;', '}', '',
    'int dax_iomap_fault(struct vm_area_struct *vma, struct vm_fault *vmf,', '\t\t\tstruct iomap_ops *ops)', '{', '\tint major = filler_fault(vma, vmf, ops);', ''],
  ['', '/* end of the base text */'],
];

function baseText(pm: PatchMessage): string {
  const out: string[] = [];
  const hunks = pm.files.flatMap((f) => f.hunks);
  hunks.forEach((h, i) => {
    out.push(...FILLER[i]);
    for (const l of h.lines) if (l.op !== '+') out.push(l.text.trim());
  });
  out.push(...FILLER[hunks.length]);
  return out.join('\n') + '\n';
}

describe('c/tree on seed 000 (lkml damage)', () => {
  let dir: string;
  let r: TreeResult;
  let raw: string[];

  before(async () => {
    await getCParser();
    const file = path.join(SEEDS, readdirSync(SEEDS).find((f) => f.startsWith('000'))!);
    const text = readFileSync(file, 'utf8');
    raw = text.split('\n');
    const pm = parsePatchMail(readMail(text, { file }))[0];
    assert.equal(pm.files.flatMap((f) => f.hunks).length, FILLER.length - 1, 'the filler is written for six hunks');
    dir = mkdtempSync(path.join(tmpdir(), 'dax-review-tree-'));
    mkdirSync(path.join(dir, 'fs'));
    writeFileSync(path.join(dir, 'fs', 'dax.c'), baseText(pm));
    r = applyToTree(pm, dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('every hunk applies despite the lost indentation; the header-less one is located by content', () => {
    assert.deepEqual(r.failures.filter((f) => !f.applied), []);
    const located = r.failures.find((f) => /located by content/.test(f.reason));
    assert.ok(located, JSON.stringify(r.failures));
    assert.equal(located.mailLine, raw.findIndex((l) => l.startsWith('> > -static void *grab_mapping_entry')) + 1);
  });

  it('says which hunks the reply quotes only in part', () => {
    const cut = r.failures.filter((f) => /the mail quotes \d+ of the hunk's/.test(f.reason));
    assert.ok(cut.length >= 1, JSON.stringify(r.failures));
    for (const c of cut) assert.equal(c.applied, true);
  });

  it('grab_mapping_entry is whole on both sides, with the tree filling what the mail elided', () => {
    const g = r.functions.find((f) => f.name === 'grab_mapping_entry')!;
    assert.ok(g && g.pre && g.post);
    for (const img of [g.pre, g.post]) {
      assert.equal(img.source, 'tree');
      assert.equal(img.whole, true);
      assert.deepEqual(img.gaps, []);
      assert.ok(img.lines.some((l) => l.text === '\t\tfiller_inserted(mapping);' && l.mailLine === null && l.op === null));
    }
    const label = g.post.lines.find((l) => l.text.trim() === 'out_unlock:')!;
    assert.equal(label.op, '+');
    assert.equal(label.mailLine, raw.indexOf('> > + out_unlock:') + 1);
    const cfg = buildCfg(g.post);
    assert.equal(cfg.partial, false);
    assert.deepEqual(cfg.unparsed, []);
    const goto = cfg.nodes.find((n) => n.text === 'goto out_unlock;')!;
    assert.equal(cfg.nodes[goto.succ[0]].text, 'out_unlock:');
    assert.ok(!cfg.nodes.some((n) => n.kind === 'gap'));
  });

  it('dax_insert_mapping_entry is whole; the new PMD functions come whole from the patched text', () => {
    const d = r.functions.find((f) => f.name === 'dax_insert_mapping_entry')!;
    assert.equal(d.pre!.whole, true);
    assert.equal(d.post!.whole, true);
    assert.ok(d.post!.lines.some((l) => l.text.trim() === 'new_entry = dax_radix_entry(sector, flags);' && l.op === '+'));
    for (const name of ['dax_pmd_insert_mapping', 'dax_pmd_load_hole']) {
      const f = r.functions.find((x) => x.name === name)!;
      assert.equal(f.pre, null);
      assert.equal(f.post!.whole, true, name);
    }
    // The mail stops quoting dax_iomap_pmd_fault part-way: even the tree cannot finish it.
    const fault = r.functions.find((x) => x.name === 'dax_iomap_pmd_fault')!;
    assert.equal(fault.post!.whole, false);
  });
});
