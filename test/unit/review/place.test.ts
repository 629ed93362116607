// A quoted fragment with no header at all is placed by its lines in the model's kernel C: the
// one function holding every line it shows of the code before the patch. Then it runs.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readMail } from '../../../src/mail/index';
import { parsePatchMessage } from '../../../src/patch/index';
import { placeFragment } from '../../../src/review/place';
import { checkMail, composeReply, reviewReady } from '../../../src/review/index';

const mail = (f: string) => readMail(readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'mail', f)));

describe('review: placing a header-less fragment in the model\'s C', function () {
  this.timeout(120_000);
  before(async () => { await reviewReady(); });

  it('a fragment of grab_mapping_entry() is placed there, runs, and its lost wakeup is found and credited to the reviewer', async () => {
    const r = await checkMail(mail('headerless-model-function.txt'), { verdicts: false });
    const h = r.patches[0].files[0].hunks[0];
    assert.deepEqual([h.path, h.pathSource, h.function, h.functionSource], ['fs/dax.c', 'inferred', 'grab_mapping_entry', 'model']);
    assert.equal(r.coverage[0].executed, r.coverage[0].changed);
    const f = r.findings.find((x) => x.kind === 'lost-wakeup' && x.severity === 'error');
    assert.ok(f, JSON.stringify(r.findings.map((x) => x.message)));
    assert.match(f.message, /\(confirmed by simulation: pmd-downgrade\)$/);
    assert.match(composeReply(r).text.replace(/\s+/g, ' '), /As Pat noted, grab_mapping_entry\(\) as the patch writes it/);
  });

  it('a fragment of code the model does not have stays unplaced, and says so', async () => {
    const r = await checkMail(mail('headerless-trimmed.txt'), { verdicts: false });
    assert.equal(r.patches[0].files[0].hunks[0].path, null);
    assert.match(r.coverage[0].outside!, /^not checked: /);
  });

  it('lines that two functions both hold place nothing', () => {
    const pm = parsePatchMessage(readMail([
      'From: A <a@example.org>', 'Subject: Re: x', '', 'B wrote:',
      '>  \tspin_lock_irq(&mapping->tree_lock);', '> -\tspin_unlock_irq(&mapping->tree_lock);', '> +\tspin_unlock(&mapping->tree_lock);',
    ].join('\n')).messages[0]);
    const [h] = pm.files.flatMap((f) => f.hunks);
    assert.ok(h, 'the fragment is a hunk');
    assert.equal(placeFragment(h), null);
  });
});
