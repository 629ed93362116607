// bench:model checks bench/xa-invalidate-waiters.pml with SPIN against the model's scenario of
// that name; the verdicts compared are of one protocol only while the Promela runs the
// scenario's threads at its index and switches the wake the model's variation point switches.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SCENARIOS } from '../../../src/model/index';
import { XARRAY_POINTS } from '../../../src/model/eras/xarray/points';

const pml = readFileSync(path.join(__dirname, '..', '..', '..', 'bench', 'xa-invalidate-waiters.pml'), 'utf8');
const spec = SCENARIOS.find((s) => s.name === 'xa-invalidate-waiters');

describe('bench: the Promela model of xa-invalidate-waiters', () => {
  it('names the scenario it mirrors, the XArray era\'s known lost wake-up', () => {
    assert.match(pml, /'xa-invalidate-waiters'/);
    assert.equal(spec?.era, 'XArray');
    assert.equal(spec?.expect?.kind, 'lost-wakeup');
  });

  it('runs the scenario\'s threads in its order, every one at the scenario\'s one index', () => {
    const kind: Record<string, string> = { do_dax_fault: 'fault', invalidate_inode_pages2_range: 'invalidate' };
    const runs = [...pml.matchAll(/\brun (\w+)\(/g)].map((m) => m[1]);
    assert.deepEqual(runs, spec!.threads.map((t) => kind[t.fn] ?? t.fn));
    const key = Number(/#define KEY\s+(\d+)/.exec(pml)?.[1]);
    assert.deepEqual(spec!.indexes, [key]);
    for (const t of spec!.threads) {
      const at = t.fn === 'do_dax_fault' ? [t.args[0]] : t.args.slice(1);
      assert.ok(at.every((x) => x === key), `${t.name} is at ${key.toString(16)}`);
    }
  });

  it('switches the wake after invalidating with WAKE_ALL, as __dax_invalidate_entry.wake_all does in the model', () => {
    assert.match(pml, /#define WAKE_ALL 0/);
    assert.match(pml, /wake_up\(KEY, WAKE_ALL\)/);
    const point = XARRAY_POINTS.find((p) => p.fn === '__dax_invalidate_entry' && p.name === 'wake_all');
    assert.equal(point?.default, false);
    assert.match(spec!.expect!.why, /__dax_invalidate_entry\.wake_all=true/);
  });
});
