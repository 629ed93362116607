import { strict as assert } from 'node:assert';
import { placeSteps, stepPlace } from '../../../src/editor/trace';
import type { OutlineHunk } from '../../../src/editor/jobs';
import type { Trace } from '../../../src/check/types';

const hunk: OutlineHunk = {
  message: 0, hunk: 1, path: 'fs/dax.c', function: 'grab_mapping_entry', mailLines: [10, 16], changed: 4, comments: [],
  lines: [
    { op: ' ', text: 'spin_lock_irq(&mapping->tree_lock);', mailLine: 10 },
    { op: '-', text: 'radix_tree_delete(&mapping->page_tree, index);', mailLine: 11 },
    { op: '+', text: 'radix_tree_delete(&mapping->page_tree, index);', mailLine: 12 },
    { op: '+', text: 'err = radix_tree_preload(', mailLine: 13 },
    { op: '+', text: '   mapping_gfp_mask(mapping) & ~__GFP_HIGHMEM);', mailLine: 14 },
    { op: ' ', text: 'spin_lock_irq(&mapping->tree_lock);', mailLine: 15 },
    { op: '+', text: 'if (pmd_downgrade) { /* split */', mailLine: 16 },
  ],
};

function step(fn: string, c: string, mailLine?: number) {
  return { thread: 0, threadName: 'T1', function: fn, label: c, note: '', source: { fn, c, mailLine } };
}

describe('vscode: trace steps on mail lines', () => {
  it('places a step on the one post-image line that states it, across wrapped lines', () => {
    const t: Trace = { threads: ['T1'], steps: [
      step('grab_mapping_entry', 'radix_tree_delete(&mapping->page_tree, index);'),
      step('grab_mapping_entry', 'err = radix_tree_preload(mapping_gfp_mask(mapping) & ~__GFP_HIGHMEM);'),
      step('grab_mapping_entry', 'if (pmd_downgrade)'),
    ] };
    assert.deepEqual(placeSteps(t, hunk).steps.map((s) => s.source?.mailLine), [12, 13, 16]);
  });

  it('leaves a step alone when the statement is ambiguous, in another function, or already placed', () => {
    const t: Trace = { threads: ['T1'], steps: [
      step('grab_mapping_entry', 'spin_lock_irq(&mapping->tree_lock);'),
      step('dax_insert_mapping_entry', 'radix_tree_delete(&mapping->page_tree, index);'),
      step('grab_mapping_entry', 'radix_tree_delete(&mapping->page_tree, index);', 99),
    ] };
    assert.deepEqual(placeSteps(t, hunk).steps.map((s) => s.source?.mailLine), [undefined, undefined, 99]);
  });

  it('puts a step inside a helper the mail does not show at the innermost call to it the mail shows', () => {
    const inner = { thread: 0, threadName: 'T1', function: 'put_locked_mapping_entry', label: 'unlock_slot(mapping, slot);', note: '',
      source: { fn: 'put_locked_mapping_entry', c: 'unlock_slot(mapping, slot);', callers: [
        { fn: 'dax_iomap_pmd_fault', at: 40, mailLine: 120 },
        { fn: 'grab_mapping_entry', at: 12, mailLine: 131 },
        { fn: 'dax_unlock_entry', at: 3 },
      ] } };
    assert.deepEqual(stepPlace(inner), { line: 131, calls: 'dax_unlock_entry' });
    const direct = { ...inner, source: { ...inner.source, callers: [inner.source.callers[0]] } };
    assert.deepEqual(stepPlace(direct), { line: 120, calls: 'put_locked_mapping_entry' });
    assert.deepEqual(stepPlace(step('grab_mapping_entry', 'x = 1;', 77)), { line: 77 });
    assert.equal(stepPlace({ ...inner, source: { ...inner.source, callers: [{ fn: 'f', at: 1 }] } }), null);
  });
});
