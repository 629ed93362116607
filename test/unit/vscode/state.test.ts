import { strict as assert } from 'node:assert';
import { changedOnly, stateTree, type StateNode } from '../../../src/vscode/webview/state';
import type { StateView } from '../../../src/model/machine';

function view(patch: Partial<StateView> = {}): StateView {
  return {
    entries: [{ index: 0x200, order: 9, value: 'pmd empty', locked: true }],
    waitqueues: [{ key: '0x200', waiters: ['T2', 'T3'] }],
    locks: [{ name: 'mapping->tree_lock', holder: null }],
    threads: [{ name: 'T1', status: 'runnable', at: 'grab_mapping_entry' }],
    other: {},
    ...patch,
  };
}

function find(tree: StateNode[], id: string): StateNode | undefined {
  for (const n of tree) {
    if (n.id === id) return n;
    const below = find(n.children, id);
    if (below) return below;
  }
  return undefined;
}

describe('vscode: the state tree of a trace step', () => {
  it('makes each variable a node under its group, with its parts below it', () => {
    const tree = stateTree(null, view());
    assert.deepEqual(tree.map((g) => g.label), ['entries', 'waitqueues', 'locks', 'threads']);
    const entry = find(tree, 'entry:512')!;
    assert.equal(entry.label, '0x200');
    assert.equal(entry.value, 'pmd empty · locked');
    assert.deepEqual(entry.children.map((c) => `${c.label}=${c.value}`), ['value=pmd empty', 'locked=yes', 'order=9']);
    assert.deepEqual(find(tree, 'wq:0x200/waiters')!.children.map((c) => c.value), ['T2', 'T3']);
    assert.ok(!JSON.stringify(tree).includes('"changed":true'), 'the initial state marks nothing');
  });

  it('marks the values a step changed, what they were, and every node above them', () => {
    const before = view();
    const after = view({ entries: [{ index: 0x200, order: 9, value: 'pmd empty', locked: false }], locks: [{ name: 'mapping->tree_lock', holder: 'T1' }] });
    const tree = stateTree(before, after);
    const locked = find(tree, 'entry:512/locked')!;
    assert.deepEqual([locked.changed, locked.was, locked.value], [true, 'yes', 'no']);
    assert.equal(find(tree, 'entry:512/value')!.changed, false);
    assert.equal(find(tree, 'entry:512')!.changed, true);
    assert.equal(find(tree, 'entries')!.changed, true);
    assert.equal(find(tree, 'lock:mapping->tree_lock')!.was, 'free');
    assert.equal(find(tree, 'waitqueues')!.changed, false);
    assert.equal(find(tree, 'threads')!.changed, false);
  });

  it('marks a part removed through the summary of what held it', () => {
    const tree = stateTree(view(), view({ waitqueues: [{ key: '0x200', waiters: ['T3'] }], entries: [] }));
    assert.equal(find(tree, 'wq:0x200/waiters')!.was, 'T2, T3');
    assert.equal(find(tree, 'entries')!.was, '1');
    assert.equal(find(tree, 'entries')!.children.length, 0);
  });

  it('nests other values that share a first word', () => {
    const tree = stateTree(null, view({ other: { 'pte 0x200': 'page#0', 'pte 0x201': 'pfn', 'held by the mapping': 'page#0' } }));
    const other = tree.find((g) => g.id === 'other')!;
    assert.deepEqual(other.children.map((c) => c.label), ['pte', 'held by the mapping']);
    assert.deepEqual(other.children[0].children.map((c) => `${c.label}=${c.value}`), ['0x200=page#0', '0x201=pfn']);
  });

  it('cuts the tree to what changed, keeping every group', () => {
    const before = view();
    const after = view({ locks: [{ name: 'mapping->tree_lock', holder: 'T1' }] });
    const cut = changedOnly(stateTree(before, after));
    assert.deepEqual(cut.map((g) => [g.label, g.children.map((c) => c.label)]), [
      ['entries', []], ['waitqueues', []], ['locks', ['mapping->tree_lock']], ['threads', []],
    ]);
  });
});
