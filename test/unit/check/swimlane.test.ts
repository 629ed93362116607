import { strict as assert } from 'node:assert';
import { renderSwimlanes, wrap } from '../../../src/check/swimlane';
import { explore } from '../../../src/check/explore';
import type { Trace } from '../../../src/check/types';
import * as toys from './toys';

const step = (thread: number, label: string, note = '') => ({ thread, threadName: `T${thread + 1}`, function: 'f', label, note });

describe('check/swimlane', () => {
  it('draws one column per thread under a header and dashes, each step in its column', () => {
    const trace: Trace = {
      threads: ['Thread 1', 'Thread 2', 'Thread 3'],
      steps: [step(0, 'index 0x202, hold PMD lock 0x200'), step(1, 'index 0x203, sleep on 0x200'), step(2, 'index 0x204, sleep on 0x200'), step(0, 'wake one waiter on 0x200')],
    };
    const out = renderSwimlanes(trace, { width: 120, numbers: false }).split('\n');
    assert.match(out[0], /^Thread 1 +Thread 2 +Thread 3$/);
    assert.match(out[1], /^-{8} +-{8} +-{8}$/);
    const col2 = out[0].indexOf('Thread 2');
    const col3 = out[0].indexOf('Thread 3');
    assert.ok(out[2].startsWith('index 0x202, hold PMD lock 0x200'));
    assert.equal(out[3].indexOf('index 0x203'), col2);
    assert.equal(out[4].indexOf('index 0x204'), col3);
    assert.ok(out[5].startsWith('wake one waiter'));
    assert.equal(out.length, 6);
  });

  it('wraps long cells inside their column and keeps within the width', () => {
    const trace: Trace = { threads: ['A', 'B'], steps: [step(1, 'spin_lock_irq(&mapping->tree_lock) then a very long explanation of what happened', 'entry 0x200 locked')] };
    const out = renderSwimlanes(trace, { width: 40 }).split('\n');
    assert.ok(out.every((l) => l.length <= 40), out.join('\n'));
    const col = out[0].indexOf('B');
    for (const l of out.slice(2)) assert.ok(l.slice(0, col).trim() === '' || /^\s*1\s*$/.test(l.slice(0, col)), l);
    assert.ok(out.length > 4);
    assert.match(out.slice(2).join(' ').replace(/\s+/g, ' '), /entry 0x200 locked/);
  });

  it('numbers steps and names choices', () => {
    const trace: Trace = { threads: ['A'], steps: [{ ...step(0, 'radix_tree_preload()'), choice: 'preload fails' }] };
    const out = renderSwimlanes(trace);
    assert.match(out, /^1  radix_tree_preload\(\) \[preload fails\]$/m);
  });

  it('renders an explorer trace', () => {
    const v = explore(toys.downgrade(false), { maxStates: 1e5, maxMs: 5000 });
    const out = renderSwimlanes(v.violations[0].trace, { width: 100 });
    assert.match(out.split('\n')[0], /T1: pmd downgrade +T2: pte fault +T3: pte fault/);
    assert.match(out, /woke 1 waiter on 0/);
  });

  it('wrap cuts words longer than the column', () => {
    assert.deepEqual(wrap('abcdefghij xy', 4), ['abcd', 'efgh', 'ij', 'xy']);
    assert.deepEqual(wrap('', 4), ['']);
  });
});
