// Patch mails against the XArray era of fs/dax.c, one pair per property: a patch that breaks the
// property and its fixed twin, in the forms reviewers have mail (a raw git format-patch, a reply
// quoting the hunks with comments under them, a lore page, lkml.org and mail-archive dumps, an
// mbox thread). The broken mail must get an error of the property's kind on a line it changes,
// confirmed by a run of the model with its counterexample; the twin must get none, and must have
// been run in the same scenario, so that its silence is the model's verdict and not a scenario
// that never reached the code.
import { strict as assert } from 'node:assert';
import { checkMail, reviewReady, type CheckResult, type Finding } from '../../../src/review/index';
import { bindPatches } from '../../../src/bind/bind';
import type { Hunk } from '../../../src/patch/types';
import type { ViolationKind } from '../../../src/model/machine';
import { fixture, lineOf } from './support';

interface Pair {
  property: string;
  kind: ViolationKind;
  /** The scenario whose run shows the broken mail's defect. */
  scenario: string;
  broken: string;
  fixed: string;
  /** The changed line the finding stands on, as the broken mail writes it. */
  at: RegExp;
  /** The reviewer's comment the finding answers, when the broken mail is a reply that has one. */
  comment?: string;
}

const PAIRS: readonly Pair[] = [
  {
    property: 'every waiter of a removed entry is woken', kind: 'lost-wakeup', scenario: 'xa-invalidate-waiters',
    broken: 'xarray/lost-wakeup.patch', fixed: 'xarray/lost-wakeup-fixed.patch',
    at: /^\+\s*put_unlocked_entry\(&xas, entry, WAKE_NEXT\);$/,
  },
  {
    property: 'every locked entry is unlocked on every path', kind: 'entry-left-locked', scenario: 'xa-pmd-pte-conflict',
    broken: 'xarray/entry-left-locked.eml', fixed: 'xarray/entry-left-locked-fixed.eml',
    at: /^> \+\s*(if \(pmd_trans_huge\(\*vmf->pmd\) \|\| pmd_devmap\(\*vmf->pmd\)\)|return VM_FAULT_NOPAGE;)$/,
    comment: 'This returns with the entry still locked',
  },
  {
    property: 'mapping->nrpages counts the pages under the entries', kind: 'accounting', scenario: 'xa-pmd-downgrade',
    broken: 'xarray/accounting.lore.txt', fixed: 'xarray/accounting-fixed.lore.txt',
    at: /^\+\s*mapping->nrpages -= 1UL << order;$/,
  },
  {
    property: 'a PMD fault on an empty range maps a PMD', kind: 'wrong-result', scenario: 'xa-pmd-empty',
    broken: 'xarray/wrong-result.lkml.txt', fixed: 'xarray/wrong-result-fixed.mail-archive.txt',
    at: /^\+ (if \(dax_entry_order\(entry\) < order\)|return XA_RETRY_ENTRY;)$/,
  },
  {
    property: 'the i_pages lock is never taken by its holder', kind: 'lock-imbalance', scenario: 'xa-writeback-vs-fault',
    broken: 'xarray/self-deadlock.mail-archive.txt', fixed: 'xarray/self-deadlock-fixed.mbox',
    at: /^> \+\s*dax_unlock_entry\(xas, entry\);$/,
    comment: 'dax_unlock_entry() takes the i_pages lock itself',
  },
];

function hunksOf(r: CheckResult): Hunk[] {
  return r.patches.flatMap((pm) => pm.files.flatMap((f) => f.hunks));
}

function changedLines(h: Hunk): number[] {
  return h.lines.filter((l) => l.op !== ' ').map((l) => l.mailLine);
}

const checked = new Map<string, Promise<CheckResult>>();
function check(rel: string): Promise<CheckResult> {
  let r = checked.get(rel);
  if (!r) {
    const f = fixture(rel);
    r = checkMail(f.text, { file: f.file });
    checked.set(rel, r);
  }
  return r;
}

describe('review: XArray-era patch mails, each breaking a property, and their fixed twins', function () {
  this.timeout(300_000);
  before(async () => { await reviewReady(); });

  for (const p of PAIRS) {
    describe(`${p.kind}: ${p.property}`, () => {
      it(`${p.broken}: an error on the line that breaks it, confirmed by simulation of ${p.scenario} with a trace`, async () => {
        const f = fixture(p.broken);
        const r = await check(p.broken);
        assert.equal(bindPatches(r.patches).era.name, 'XArray', 'bound to the XArray era, whose text its hunks fit');
        const mine = r.findings.filter((x) => x.kind === p.kind && !x.fixed);
        assert.equal(mine.length, 1, JSON.stringify(r.findings.map((x) => [x.kind, x.line, x.message])));
        const x: Finding = mine[0];
        const h = hunksOf(r).find((hk) => changedLines(hk).includes(x.line));
        assert.ok(h, `line ${x.line} is a changed line of a hunk`);
        const text = f.text.split('\n')[x.line - 1];
        assert.match(text, p.at, `the finding stands on the line that breaks the property, not on: ${text}`);
        assert.equal(x.severity, 'error');
        assert.equal(x.basis, `confirmed by simulation: ${p.scenario}`);
        assert.ok(x.message.endsWith(`(confirmed by simulation: ${p.scenario})`), x.message);
        assert.ok(x.simulation?.confirmed && x.simulation.scenario === p.scenario);
        assert.ok(x.trace && x.trace.steps.length > 0, 'the counterexample comes with its trace');
        // The code before the patch is clean in that scenario: the patch introduces the defect.
        const v = r.verdicts.find((y) => y.hunk === hunksOf(r).indexOf(h) && y.scenario === p.scenario);
        assert.ok(v && v.pre?.verdict === 'ok' && v.post.violations.some((y) => y.kind === p.kind), v?.summary);
        if (p.comment) assert.equal(x.comment, lineOf(f.text, p.comment), 'the finding answers the reviewer\'s comment on it');
      });

      it(`${p.fixed}: no ${p.kind}, and ${p.scenario} ran its code to the end`, async () => {
        const r = await check(p.fixed);
        assert.equal(bindPatches(r.patches).era.name, 'XArray');
        const mine = r.findings.filter((x) => x.kind === p.kind);
        assert.deepEqual(mine.map((x) => [x.line, x.message]), []);
        assert.deepEqual(r.bounded, [], 'every search finished');
        assert.ok(r.coverage.length && r.coverage.every((c) => c.executed > 0), 'the model ran the changed lines');
        const vs = r.verdicts.filter((y) => y.scenario === p.scenario);
        assert.ok(vs.length, `the twin was run in ${p.scenario}`);
        assert.ok(vs.every((y) => y.post.verdict === 'ok'), vs.map((y) => y.summary).join('; '));
      });
    });
  }
});
