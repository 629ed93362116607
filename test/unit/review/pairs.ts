// Patch mails in pairs, one per property: a patch that breaks the property and its fixed twin,
// in the forms reviewers have mail. The broken mail must get an error of the property's kind on
// the line that breaks it, confirmed by a run of the model with its counterexample, and the
// code before the patch must not have that defect in that scenario; the twin must get no error,
// and must have been run in the same scenario, so that its silence is the model's verdict and
// not a scenario that never reached the code.
import { strict as assert } from 'node:assert';
import { checkMail, reviewReady, type CheckResult } from '../../../src/review/index';
import { bindPatches } from '../../../src/bind/bind';
import type { Hunk } from '../../../src/patch/types';
import type { ViolationKind } from '../../../src/model/machine';
import { fixture, lineOf } from './support';

export interface Pair {
  property: string;
  kind: ViolationKind;
  /** The scenario whose run shows the broken mail's defect. */
  scenario: string;
  /** The scenario the twin must run clean in, when the broken mail's has a known defect of the
   *  kernel's own (default: the same). */
  twinScenario?: string;
  broken: string;
  fixed: string;
  /** The changed line the finding stands on, as the broken mail writes it. */
  at: RegExp;
  /** The reviewer's comment the finding answers, when the broken mail is a reply that has one. */
  comment?: string;
}

const hunksOf = (r: CheckResult): Hunk[] => r.patches.flatMap((pm) => pm.files.flatMap((f) => f.hunks));
const changedLines = (h: Hunk): number[] => h.lines.filter((l) => l.op !== ' ').map((l) => l.mailLine);

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

/** The tests of each pair, for mail written against the model's era `era`. */
export function describePairs(title: string, era: string, pairs: readonly Pair[]): void {
  describe(title, function () {
    this.timeout(300_000);
    before(async () => { await reviewReady(); });

    for (const p of pairs) {
      describe(`${p.kind}: ${p.property}`, () => {
        it(`${p.broken}: an error on the line that breaks it, confirmed by simulation of ${p.scenario} with a trace`, async () => {
          const f = fixture(p.broken);
          const r = await check(p.broken);
          assert.equal(bindPatches(r.patches).era.name, era, `bound to the ${era} era, whose text its hunks fit`);
          const mine = r.findings.filter((x) => x.kind === p.kind && !x.fixed);
          assert.equal(mine.length, 1, JSON.stringify(r.findings.map((x) => [x.kind, x.line, x.message])));
          const x = mine[0];
          const h = hunksOf(r).find((hk) => changedLines(hk).includes(x.line));
          assert.ok(h, `line ${x.line} is a changed line of a hunk`);
          const text = f.text.split('\n')[x.line - 1];
          assert.match(text, p.at, `the finding stands on the line that breaks the property, not on: ${text}`);
          assert.equal(x.severity, 'error');
          assert.equal(x.basis, `confirmed by simulation: ${p.scenario}`);
          assert.ok(x.message.endsWith(`(confirmed by simulation: ${p.scenario})`), x.message);
          assert.ok(x.simulation?.confirmed && x.simulation.scenario === p.scenario);
          assert.ok(x.trace && x.trace.steps.length > 0, 'the counterexample comes with its trace');
          // The code before the patch has no such defect in that scenario: the patch introduces it.
          const v = r.verdicts.find((y) => y.hunk === hunksOf(r).indexOf(h) && y.scenario === p.scenario);
          assert.ok(v && v.pre && !v.pre.violations.some((y) => y.kind === p.kind) && v.post.violations.some((y) => y.kind === p.kind), v?.summary);
          if (p.comment) assert.equal(x.comment, lineOf(f.text, p.comment), 'the finding answers the reviewer\'s comment on it');
        });

        const twin = p.twinScenario ?? p.scenario;
        it(`${p.fixed}: no error, and ${twin} ran its code to the end`, async () => {
          const r = await check(p.fixed);
          assert.equal(bindPatches(r.patches).era.name, era);
          assert.deepEqual(r.findings.filter((x) => x.kind === p.kind || x.severity === 'error').map((x) => [x.line, x.message]), []);
          assert.deepEqual(r.bounded, [], 'every search finished');
          assert.ok(r.coverage.length && r.coverage.every((c) => c.executed > 0), 'the model ran the changed lines');
          const vs = r.verdicts.filter((y) => y.scenario === twin);
          assert.ok(vs.length, `the twin was run in ${twin}`);
          assert.ok(vs.every((y) => y.post.verdict === 'ok'), vs.map((y) => y.summary).join('; '));
        });
      });
    }
  });
}
