// A panel model holding the lost wakeup of a PMD downgrade that wakes one exclusive waiter:
// three threads, written out by hand the way a reviewer draws it in a reply.
import type { PanelModel } from '../../src/vscode/protocol';
import type { Trace, TraceStep, Verdict } from '../../src/check/types';
import type { StateView } from '../../src/model/machine';

type Holder = string | null;

function view(entry: string, locked: boolean, waiters: string[], lock: Holder, threads: [string, string][]): StateView {
  return {
    entries: entry ? [{ index: 0x200, order: 9, value: entry, locked }] : [],
    waitqueues: [{ key: '0x200', waiters }],
    locks: [{ name: 'mapping->tree_lock', holder: lock }],
    threads: threads.map(([name, status]) => ({ name, status: status as 'runnable' | 'blocked' | 'done', at: 'grab_mapping_entry' })),
    other: {},
  };
}

const T = ['T1: pte fault 0x200', 'T2: pmd fault 0x200', 'T3: pmd fault 0x200'];

function step(thread: number, label: string, note: string, mailLine: number | undefined, after: StateView): TraceStep {
  return { thread, threadName: T[thread], function: 'grab_mapping_entry', label, note, source: { fn: 'grab_mapping_entry', c: label, mailLine }, after };
}

export function lostWakeupTrace(): Trace {
  const r = (a: string, b: string, c: string): [string, string][] => [[T[0], a], [T[1], b], [T[2], c]];
  return {
    threads: [...T],
    steps: [
      step(0, 'entry = lock_slot(mapping, slot)', 'entry 0x200 locked', 66, view('pmd empty', true, [], 'T1', r('runnable', 'runnable', 'runnable'))),
      step(0, 'spin_unlock_irq(&mapping->tree_lock)', 'tree_lock released', 69, view('pmd empty', true, [], null, r('runnable', 'runnable', 'runnable'))),
      step(1, 'entry = get_unlocked_mapping_entry(mapping, index, &slot)', 'sleeps on 0x200', 34, view('pmd empty', true, ['T2'], null, r('runnable', 'blocked', 'runnable'))),
      step(2, 'entry = get_unlocked_mapping_entry(mapping, index, &slot)', 'sleeps on 0x200', 34, view('pmd empty', true, ['T2', 'T3'], null, r('runnable', 'blocked', 'blocked'))),
      step(0, 'radix_tree_delete(&mapping->page_tree, index)', 'pmd entry deleted', 91, view('', false, ['T2', 'T3'], 'T1', r('runnable', 'blocked', 'blocked'))),
      step(0, 'dax_wake_mapping_entry_waiter(mapping, index, entry, false)', 'woke 1 of 2 waiters on 0x200', 93, view('', false, ['T3'], 'T1', r('runnable', 'runnable', 'blocked'))),
      step(0, 'spin_unlock_irq(&mapping->tree_lock)', 'tree_lock released', undefined, view('', false, ['T3'], null, r('done', 'runnable', 'blocked'))),
      step(1, 'return entry', 'T2 done with a pte entry; nobody wakes 0x200 again', undefined, view('pte', false, ['T3'], null, r('done', 'done', 'blocked'))),
    ],
  };
}

function verdict(scenario: string, trace: Trace | null): Verdict {
  return {
    scenario, verdict: trace ? 'violation' : 'ok', states: trace ? 4211 : 3980, transitions: trace ? 9876 : 9012, ms: 41,
    reductions: ['symmetry', 'sleep-sets'],
    violations: trace ? [{ kind: 'lost-wakeup', message: 'T3 sleeps on 0x200 forever', trace }] : [],
  };
}

export function panelModel(subject: string, trace: Trace = lostWakeupTrace()): PanelModel {
  const lines = [
    { op: ' ' as const, text: 'spin_lock_irq(&mapping->tree_lock);', mailLine: 89 },
    { op: '+' as const, text: 'if (pmd_downgrade) {', mailLine: 90 },
    { op: '+' as const, text: 'radix_tree_delete(&mapping->page_tree, index);', mailLine: 91 },
    { op: '+' as const, text: 'mapping->nrexceptional--;', mailLine: 92 },
    { op: '+' as const, text: 'dax_wake_mapping_entry_waiter(mapping, index, entry, false);', mailLine: 93 },
  ];
  return {
    document: 'file:///seed/000.txt',
    subject,
    hunk: { id: 1, path: 'fs/dax.c', function: 'grab_mapping_entry', mailLines: [30, 110], lines },
    scenarios: ['pmd-downgrade', 'pte-vs-pmd'],
    scenario: 'pmd-downgrade',
    results: [{ scenario: 'pmd-downgrade', pre: verdict('pmd-downgrade', null), post: verdict('pmd-downgrade', trace), summary: 'introduces a lost wakeup in pmd-downgrade' }],
    coverage: { hunk: 1, function: 'grab_mapping_entry', changed: 17, executed: 14, notExecuted: [] },
    trace: null,
    selected: null,
    status: 'done',
    message: '',
  };
}

/** A trace as long as an explorer's worst counterexample, to see that scrolling stays cheap. */
export function longTrace(n: number): Trace {
  const base = lostWakeupTrace();
  const steps: TraceStep[] = [];
  for (let i = 0; i < n; i++) {
    const s = base.steps[i % base.steps.length];
    steps.push({ ...s, note: `${s.note} (#${i + 1})` });
  }
  return { threads: base.threads, steps };
}
