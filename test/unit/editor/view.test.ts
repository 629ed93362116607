// What an editor draws of an analysis: lenses only for the messages in view (capped), a lens
// that says "outside the model" where the model runs none of a hunk, actions only on findings.
import { strict as assert } from 'node:assert';
import type { Analysis, OutlineHunk, OutlineMessage } from '../../../src/editor/jobs';
import { VIEW_CAP, actionsAt, hoverAt, hunksInView, lensesData, lensFor, messageAt } from '../../../src/editor/view';
import { analyse } from '../../../src/editor/core';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Finding } from '../../../src/review/types';

/** `n` messages of 20 lines, each with two hunks of 8 lines. */
function analysis(n: number, findings: Finding[] = []): Analysis {
  const messages: OutlineMessage[] = [];
  for (let i = 0; i < n; i++) {
    const first = i * 20 + 1;
    const hunk = (id: number, at: number): OutlineHunk => ({
      message: i, hunk: id, path: 'fs/dax.c', function: 'grab_mapping_entry', mailLines: [at, at + 7], changed: 2, comments: [],
      lines: Array.from({ length: 8 }, (_, k) => ({ op: k === 3 ? '+' : k === 4 ? '-' : ' ', text: `line ${at + k}`, mailLine: at + k })),
    });
    messages.push({ index: i, subject: `[PATCH ${i + 1}/${n}]`, from: null, series: null, firstLine: first, lastLine: first + 19, comments: [], files: [{ path: 'fs/dax.c', hunks: [hunk(0, first + 2), hunk(1, first + 11)] }] });
  }
  return { outline: { messages, diagnostics: [] }, review: { findings, coverage: {}, verdicts: {} }, notices: [] };
}

function finding(line: number, trace = false): Finding {
  return {
    rule: 'dax/locked-entry-unlock', kind: 'entry-left-locked', severity: 'error', message: 'entry left *locked*', file: null, line, endLine: line,
    hunk: { file: 'fs/dax.c', function: 'grab_mapping_entry', id: 0 }, evidence: 'static',
    ...(trace ? { trace: { threads: ['T1', 'T2'], steps: [{ thread: 0, threadName: 'T1', function: 'f', label: 'lock_slot()', note: 'locked' }] } } : {}),
  };
}

describe('editor: what an editor shows', () => {
  it('puts a lens on each modelled function a hunk-less message names, offering the scenario that runs it best', async function () {
    this.timeout(60_000);
    const dir = path.join(__dirname, '..', '..', 'fixtures', 'seeds');
    const file = path.join(dir, readdirSync(dir).find((f) => f.startsWith('002_'))!);
    const text = readFileSync(file, 'utf8');
    const a = await analyse({ text, file, rules: [] });
    const lenses = lensesData(a, null);
    const lines = text.split('\n');
    assert.deepEqual(lenses.map((l) => /runs (\w+)\(\)/.exec(l.title)?.[1]).sort(), ['__dax_invalidate_entry', 'dax_delete_mapping_entry', 'dax_insert_entry', 'memory_failure', 'vmf_insert_mixed', 'xfs_break_dax_layouts']);
    for (const l of lenses) {
      const fn = /runs (\w+)\(\)/.exec(l.title)![1];
      assert.ok(lines[l.line - 1].includes(fn) || lines[l.line - 1].includes(fn.replace(/_/g, '-')) || /break layouts/.test(lines[l.line - 1]), `${fn}'s lens on a line naming it`);
      assert.equal(l.command?.id, 'daxReview.simulateScenario');
      assert.ok(l.title.startsWith(`▶ Simulate ${(l.command!.key as { scenario: string }).scenario}:`));
    }
    assert.equal(lensesData(a, [[1, 5]]).length, lenses.length, 'one message: in view wherever the view is in it');
    const patch = await analyse({ text: readFileSync(path.join(dir, readdirSync(dir).find((f) => f.startsWith('000_'))!), 'utf8'), file: null, rules: [] });
    assert.equal(lensesData(patch, null).filter((l) => l.command?.id === 'daxReview.simulateScenario').length, 0, 'a mail with hunks gets hunk lenses only');
  });

  it('draws lenses only for the messages in view, at most VIEW_CAP', () => {
    const a = analysis(1000);
    const inView = hunksInView(a, [[20 * 500 + 5, 20 * 500 + 30]]);
    assert.deepEqual([...new Set(inView.map((h) => h.message))], [500, 501]);
    assert.equal(inView.length, 4);
    assert.equal(hunksInView(a, null).length, VIEW_CAP, 'no view: the first hunks, capped');
    assert.equal(hunksInView(a, [[1, 20 * 1000]]).length, VIEW_CAP, 'a view of everything is capped too');
    assert.equal(messageAt(a, 20 * 999 + 3)?.index, 999);
  });

  it('says a hunk the model runs none of is outside the model, and offers nothing to run', () => {
    const a = analysis(1);
    const h = a.outline.messages[0].files[0].hunks[0];
    assert.ok(lensFor(a, h).command, 'no coverage known: simulate');
    a.review!.coverage['0:0'] = { hunk: 0, function: 'dax_layout_busy_page', changed: 2, executed: 0, notExecuted: [], functions: [{ name: 'dax_layout_busy_page', mode: 'not-modelled', why: 'the model has no such function' }] };
    const lens = lensFor(a, h);
    assert.equal(lens.command, undefined);
    assert.match(lens.title, /^outside the model · 0 findings · dax_layout_busy_page\(\): the model has no such function$/);
    a.review!.coverage['0:0'] = { ...a.review!.coverage['0:0'], executed: 1 };
    assert.match(lensFor(a, h).title, /^▶ Simulate hunk · 0 findings · model covers 1\/2 changed lines$/);
  });

  it('offers actions only on a finding\'s lines, of their own kinds', () => {
    const a = analysis(2, [finding(6, true)]);
    assert.deepEqual(actionsAt(a, 5), [], 'a hunk line without a finding');
    const kinds = actionsAt(a, 6).map((x) => x.kind);
    assert.deepEqual(kinds, ['daxReview.trace', 'daxReview.simulate', 'daxReview.without', 'daxReview.reply']);
    assert.ok(!actionsAt(analysis(2, [finding(7)]), 7).some((x) => x.kind === 'daxReview.without'), 'no "without" on a removed line');
  });

  it('hovers a finding as escaped markdown with its trace as a thread table', () => {
    const md = hoverAt(analysis(1, [finding(6, true)]), 6)!;
    assert.match(md, /\*\*dax\/locked-entry-unlock\*\*/);
    assert.match(md, /entry left \\\*locked\\\*/);
    assert.match(md, /```text\n[\s\S]*T1[\s\S]*lock_slot\(\)[\s\S]*```/);
    assert.equal(hoverAt(analysis(1), 1), null, 'not on a hunk');
  });
});
