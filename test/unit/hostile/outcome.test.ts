// A search that stops at its budget decides nothing: check says so in text, JSON, SARIF and
// its exit status. The SARIF log is valid SARIF 2.1.0 within GitHub code scanning's limits.
import { strict as assert } from 'node:assert';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Ajv from 'ajv-draft-04';
import { checkMail, reviewReady } from '../../../src/review/index';
import { check } from '../../../src/cli/check';
import { simulate } from '../../../src/cli/simulate';
import { artifactUri, SARIF_LIMITS } from '../../../src/review/format';
import type { Verb } from '../../../src/cli/verb';
import * as C from '../../hostile/corpus';

async function run(verb: Verb, args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await verb.run(args, { out: (t) => { out += t + '\n'; }, err: (t) => { err += t + '\n'; } });
  return { code, out, err };
}

const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false }).compile(schema);
const valid = (log: unknown): boolean => validate(log) === true;

/** What GitHub code scanning checks beyond the schema on upload. */
function githubLimits(log: { runs: { results: { locations: { physicalLocation: { region: { startLine: number; endLine?: number } } }[]; codeFlows?: { threadFlows: { locations: unknown[] }[] }[] }[]; artifacts: { location: { uri: string } }[] }[] }): void {
  for (const r of log.runs) {
    assert.ok(r.results.length <= SARIF_LIMITS.results);
    const uris = r.artifacts.map((a) => a.location.uri);
    assert.equal(new Set(uris).size, uris.length, 'duplicate artifacts');
    for (const u of uris) assert.doesNotThrow(() => new URL(u, 'file:///root/'), u);
    for (const u of uris) assert.doesNotMatch(u, /[ #?%](?![0-9A-F]{2})/, u);
    for (const res of r.results) {
      const reg = res.locations[0].physicalLocation.region;
      assert.ok(reg.startLine >= 1 && (reg.endLine ?? reg.startLine) >= reg.startLine);
      for (const cf of res.codeFlows ?? []) for (const tf of cf.threadFlows) assert.ok(tf.locations.length >= 1, 'empty threadFlow');
    }
  }
}

describe('hostile mail: bounded is an outcome', function () {
  this.timeout(120_000);
  before(async () => { await reviewReady(); });
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'dax-bounded-'));

  // A mail the model finds clean with its full budget.
  const clean = path.resolve(__dirname, '..', '..', 'fixtures', 'review', '000-fixed-all.txt');

  it('a review whose searches stop at their budget is not clean: text, JSON, SARIF and exit 4', async () => {
    const mail = readFileSync(clean);
    const r = await checkMail(mail, { file: 'x', verdicts: false, budget: { maxStates: 30, maxMs: 60_000 } });
    assert.ok(r.bounded.length > 0);
    const full = await checkMail(mail, { file: 'x', simulate: false });
    const exec = (c: { executed: number }[]) => c.reduce((n, x) => n + x.executed, 0);
    assert.ok(exec(r.coverage) < exec(full.coverage), 'coverage counts only lines of searches that finished');
    assert.ok(r.coverage.some((c) => c.bounded && (c.undecided ?? []).length > 0));

    const args = [clean, '--max-states', '30'];
    assert.equal((await run(check, [clean])).code, 0);
    const text = await run(check, args);
    assert.equal(text.code, 4);
    assert.match(text.out, /warning: hunk \d+: grab_mapping_entry\(\) not decided within the budget/);
    assert.match(text.out, /hunks? not decided within the budget/);
    const j = JSON.parse((await run(check, [...args, '--format', 'json'])).out);
    assert.ok(j.bounded.length > 0 && j.bounded.every((b: { reason: string }) => /budget/.test(b.reason)));
    const s = JSON.parse((await run(check, [...args, '--format', 'sarif'])).out);
    assert.ok(valid(s), JSON.stringify(validate.errors));
    assert.equal(s.runs[0].properties.bounded, true);
    assert.ok(s.runs[0].invocations[0].toolExecutionNotifications.length > 0);
  });

  it('check has an overall deadline: searches it stops are not decided, and say why', async () => {
    const r = await checkMail(readFileSync(clean), { file: 'x', verdicts: false, deadlineMs: 1 });
    assert.ok(r.bounded.some((b) => /deadline/.test(b.reason)), JSON.stringify(r.bounded));
  });

  it('simulate reports a search cut by the budget as not decided and exits 4', async () => {
    const r = await run(simulate, [C.EXAMPLE, '--hunk', '0', '--scenario', 'pmd-downgrade', '--json']);
    assert.ok(r.code === 0 || r.code === 4);
    const j = JSON.parse(r.out);
    assert.equal(typeof j.bounded, 'boolean');
    assert.equal(r.code === 4, j.bounded);
  });

  it('SARIF from a run with traces validates against the 2.1.0 schema; URIs encoded, artifacts once each', async () => {
    const odd = path.join(tmp, 'a mail #1%.mbox');
    copyFileSync(C.EXAMPLE, odd);
    const r = await run(check, [odd, odd, C.EXAMPLE, '--format', 'sarif']);
    const s = JSON.parse(r.out);
    assert.ok(valid(s), JSON.stringify(validate.errors?.slice(0, 5)));
    githubLimits(s);
    assert.ok(s.runs[0].results.some((x: { codeFlows?: unknown }) => x.codeFlows));
    assert.equal(s.runs[0].artifacts.length, 2);
    assert.equal(artifactUri('a b/c#d.mbox'), 'a%20b/c%23d.mbox');
    assert.equal(artifactUri('/tmp/x y'), 'file:///tmp/x%20y');
  });
});
