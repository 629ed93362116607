// "What if this line were removed": the patch as posted against the patch without the line,
// counting only the scenarios the removal breaks, in words a reviewer uses.
import { strict as assert } from 'node:assert';
import { simulate } from '../../../src/cli/simulate';
import { exampleMail } from '../../../src/cli/demo';
import type { CliIO } from '../../../src/cli/verb';
import { breakage, simulationHeadline, reviewReady, type HunkVerdict } from '../../../src/review/index';
import type { Verdict } from '../../../src/check/types';
import { listModel } from '../../../src/model/index';

const verdict = (kinds: string[]): Verdict => ({ verdict: kinds.length ? 'violation' : 'ok', violations: kinds.map((kind) => ({ kind, message: kind, trace: { threads: [], steps: [] } })), states: 1, transitions: 1, ms: 1 } as unknown as Verdict);
const v = (scenario: string, pre: string[], post: string[]): HunkVerdict => ({ hunk: 0, scenario, pre: verdict(pre), post: verdict(post), summary: '' });

describe('review: what a simulation says in one line', function () {
  this.timeout(60_000);
  before(async () => { await reviewReady(); });

  it('counts only the scenarios broken by the change, not those broken already', () => {
    const vs = [v('a', ['overlap'], ['overlap']), v('b', [], ['lost-wakeup']), v('c', [], []), v('d', ['entry-left-locked'], ['lock-imbalance'])];
    const b = breakage(vs);
    assert.deepEqual(b.broken.map((x) => x.scenario), ['b', 'd']);
    assert.deepEqual(b.fixed, ['d']);
    assert.equal(simulationHeadline(vs, 107), 'without mail line 107: 2 of 4 scenarios break where the patch as posted does not (b: a lost wakeup; d: a lock imbalance); 1 loses a defect the patch as posted has');
    assert.equal(simulationHeadline([v('a', ['overlap'], ['overlap'])]), 'none of 1 scenario breaks where the code before the patch does not');
  });

  it('simulate --without names no variation point of the model', async () => {
    let out = '';
    const io: CliIO = { out: (t) => { out += t + '\n'; }, err: () => undefined };
    await simulate.run([exampleMail(), '--hunk', '0', '--without', '61'], io);
    assert.match(out, /^without mail line 61: \d+ of \d+ scenarios? break/m);
    const points = listModel().functions.flatMap((f) => f.points.map((p) => p.name));
    assert.ok(points.length > 0);
    for (const p of points) assert.ok(!out.includes(`${p}=`) && !out.includes(`.${p}`), p);
  });
});
