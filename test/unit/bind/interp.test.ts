// Whole functions compiled to the model's IR and run in place of the reference.
import { strict as assert } from 'node:assert';
import { readMail } from '../../../src/mail/index';
import { parsePatchMail } from '../../../src/patch/index';
import { rebuildFunctions } from '../../../src/c/images';
import { getCParser } from '../../../src/c/parser';
import { compileImage } from '../../../src/bind/interp';
import { simulateHunk } from '../../../src/bind/index';
import { checkMail } from '../../../src/review/index';
import { patchMail, lineOf, fixture } from '../review/support';

const unlock = (tail: string, test = `WARN_ON_ONCE(!entry || !radix_tree_exceptional_entry(entry) ||
			 !slot_locked(mapping, slot))`) => patchMail(`
void dax_unlock_mapping_entry(struct address_space *mapping, pgoff_t index)
{
	void *entry, **slot;

	spin_lock_irq(&mapping->tree_lock);
	entry = __radix_tree_lookup(&mapping->page_tree, index, NULL, &slot);
	if (${test}) {
		spin_unlock_irq(&mapping->tree_lock);
		return;
	}
	unlock_slot(mapping, slot);
	spin_unlock_irq(&mapping->tree_lock);
${tail}}`, 'dax: rework dax_unlock_mapping_entry()');

const WAKE = '\tdax_wake_mapping_entry_waiter(mapping, index, entry, false);\n';

function post(text: string) {
  const patches = parsePatchMail(readMail(text, { file: 'mail' }));
  return { patches, fn: patches.flatMap((pm) => rebuildFunctions(pm)).find((f) => f.name === 'dax_unlock_mapping_entry')! };
}

describe('bind: C functions through the model', function () {
  this.timeout(120_000);
  before(async () => { await getCParser(); });

  it('compiles the v4.10 dax_unlock_mapping_entry() into the same machine as the reference', async () => {
    const { patches, fn } = post(unlock(WAKE));
    const c = compileImage(fn.post!);
    assert.equal(c.reason, null);
    assert.ok(c.func);
    const r = await simulateHunk(patches, 0, { scenario: 'eexist-waiters' });
    assert.equal(r.coverage.functions?.[0].mode, 'interpreted');
    assert.equal(r.coverage.executed, r.coverage.changed);
    const v = r.verdicts[0];
    assert.equal(v.post.verdict, 'ok');
    // The same statements over the same primitives: the same state space.
    assert.equal(v.post.states, v.pre!.states);
  });

  it('runs the function as the patch writes it: without the wake-up a waiter sleeps forever', async () => {
    const text = unlock('');
    const { patches } = post(text);
    const v = (await simulateHunk(patches, 0, { scenario: 'eexist-waiters' })).verdicts[0];
    assert.equal(v.post.verdict, 'violation');
    assert.equal(v.summary, 'introduces a lost wakeup in eexist-waiters');
    const r = await checkMail(text, { file: 'mail', verdicts: false });
    const f = r.findings.find((x) => x.rule === 'model/dax_unlock_mapping_entry')!;
    assert.equal(f.evidence, 'simulation');
    assert.equal(f.kind, 'lost-wakeup');
    assert.ok(f.trace && f.trace.steps.length > 0);
    assert.ok(f.line >= lineOf(text, '+void dax_unlock_mapping_entry'));
  });

  it('a condition the model cannot evaluate becomes an explorer choice, and says so', () => {
    const { fn } = post(unlock(WAKE, 'need_resched()'));
    const c = compileImage(fn.post!);
    assert.ok(c.func);
    assert.deepEqual(c.choices.map((x) => x.c), ['(need_resched())']);
  });

  it('compiles loops: get_unlocked_mapping_entry()\'s for (;;) wait loop runs as the reference does', async () => {
    const text = patchMail(`
static void *get_unlocked_mapping_entry(struct address_space *mapping,
					pgoff_t index, void ***slotp)
{
	void *entry, **slot;
	wait_queue_head_t *wq;

	for (;;) {
		entry = __radix_tree_lookup(&mapping->page_tree, index, NULL,
					  &slot);
		if (!entry || !radix_tree_exceptional_entry(entry) ||
		    !slot_locked(mapping, slot)) {
			if (slotp)
				*slotp = slot;
			return entry;
		}

		wq = dax_entry_waitqueue(mapping, index, entry, &ewait.key);
		prepare_to_wait_exclusive(wq, &ewait.wait,
					  TASK_UNINTERRUPTIBLE);
		spin_unlock_irq(&mapping->tree_lock);
		schedule();
		finish_wait(wq, &ewait.wait);
		spin_lock_irq(&mapping->tree_lock);
	}
}`);
    const patches = parsePatchMail(readMail(text, { file: 'mail' }));
    const r = await simulateHunk(patches, 0, { scenario: 'eexist-waiters' });
    assert.equal(r.coverage.functions?.[0].mode, 'interpreted');
    assert.equal(r.verdicts[0].post.verdict, 'ok');
    assert.equal(r.verdicts[0].post.states, r.verdicts[0].pre!.states);
  });

  it('compiles grab_mapping_entry() whole: the reference\'s state space, and the lost wakeup with wake_all false', async () => {
    const src = fixture('review/grab_mapping_entry-v4.10.c').text;
    const run = async (wake: string) => {
      const patches = parsePatchMail(readMail(patchMail(src.replace('WAKE', wake)), { file: 'mail' }));
      return simulateHunk(patches, 0, { scenario: 'pmd-downgrade' });
    };
    const good = await run('true');
    assert.equal(good.coverage.functions?.[0].mode, 'interpreted');
    assert.equal(good.verdicts[0].post.verdict, 'ok');
    assert.equal(good.verdicts[0].post.states, good.verdicts[0].pre!.states);
    const bad = await run('false');
    assert.equal(bad.verdicts[0].summary, 'introduces a lost wakeup in pmd-downgrade');
    assert.ok(bad.verdicts[0].post.violations[0].trace.steps.some((x) => /woke 1 of 2 waiters on 0x200/.test(x.note)));
  });

  it('names the statement it cannot compile', () => {
    const { fn } = post(unlock(`\tdax_frobnicate(mapping, index);\n${WAKE}`));
    const c = compileImage(fn.post!);
    assert.equal(c.func, null);
    assert.match(c.reason!, /dax_frobnicate\(mapping, index\);: dax_frobnicate\(\) is not modelled/);
  });
});
