import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { hasPatchMailExtension, isPatchMail } from '../../../src/vscode/detect';
import { placeCoverage, patchesFor, ruleSelected } from '../../../src/editor/core';
import type { Outline, OutlineHunk } from '../../../src/editor/jobs';
import type { PatchMessage } from '../../../src/patch/types';

const seeds = path.join(__dirname, '..', '..', 'fixtures', 'seeds');

describe('vscode: which files are patch mail', () => {
  for (const f of readdirSync(seeds)) {
    it(`claims seed ${f.slice(0, 3)}`, () => assert.ok(isPatchMail(readFileSync(path.join(seeds, f), 'utf8'))));
  }
  it('claims a git format-patch file and a quoted hunk in a reply', () => {
    assert.ok(isPatchMail('From 1234567890abcdef1234567890abcdef12345678 Mon Sep 17 00:00:00 2001\nFrom: A <a@b>\nSubject: [PATCH] x\n\n---\ndiff --git a/f b/f\n'));
    assert.ok(isPatchMail('On Tue, Oct 11, 2016 at 10:31:52AM +0200, Jan Kara wrote:\n> @@ -1,2 +1,2 @@\n> -a\n> +b\n'));
  });
  it('leaves prose, a bare diff and C alone', () => {
    assert.ok(!isPatchMail('Dear all,\nthe meeting is on Tuesday.\n'));
    assert.ok(!isPatchMail('diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n'));
    assert.ok(!isPatchMail('static int f(void)\n{\n\treturn 0;\n}\n'));
  });
  it('knows patch and mail extensions', () => {
    assert.ok(hasPatchMailExtension('/x/0001-dax-fix.PATCH'));
    assert.ok(hasPatchMailExtension('a.mbx'));
    assert.ok(!hasPatchMailExtension('dax.c'));
  });
});

function hunk(message: number, id: number, lines: [number, number], fn: string): OutlineHunk {
  return { message, hunk: id, path: 'fs/dax.c', function: fn, mailLines: lines, lines: [], changed: 1, comments: [] };
}

describe('vscode: placing the core\'s hunk ids', () => {
  const outline: Outline = {
    diagnostics: [],
    messages: [0, 1].map((m) => ({
      index: m, subject: '', from: null, series: null, firstLine: m * 100 + 1, lastLine: m * 100 + 99, comments: [],
      files: [{ path: 'fs/dax.c', hunks: [hunk(m, 0, [m * 100 + 10, m * 100 + 20], m ? 'g' : 'f')] }],
    })),
  };

  it('puts a coverage on the hunk at its place in mail order, whatever the hunk\'s id in its message', () => {
    const placed = placeCoverage(outline, [
      { hunk: 1, function: 'g', changed: 3, executed: 1, notExecuted: [{ mailLine: 115, why: 'elided' }] },
      { hunk: 0, function: 'f', changed: 1, executed: 1, notExecuted: [] },
    ]);
    assert.deepEqual(Object.keys(placed).sort(), ['0:0', '1:0']);
    assert.equal(placed['1:0'].function, 'g');
    assert.equal(placed['0:0'].function, 'f');
    assert.deepEqual(Object.keys(placeCoverage(outline, [{ hunk: 2, function: 'h', changed: 1, executed: 1, notExecuted: [] }])), []);
  });

  it('hands the core the whole series only when the id names the hunk there', () => {
    const pm = (id: number) => ({ files: [{ hunks: [{ id }] }] }) as unknown as PatchMessage;
    const patches = [pm(0), pm(0)];
    assert.equal(patchesFor(patches, { message: 0, hunk: 0 }).length, 2);
    assert.deepEqual(patchesFor(patches, { message: 1, hunk: 0 }), [patches[1]]);
    assert.throws(() => patchesFor(patches, { message: 1, hunk: 3 }), /No hunk 4 in message 2/);
  });

  it('selects rules by id or prefix; none when as-you-type is off', () => {
    assert.ok(ruleSelected('dax/get-unlocked-put', []));
    assert.ok(ruleSelected('dax/get-unlocked-put', ['dax/']));
    assert.ok(ruleSelected('dax/get-unlocked-put', ['dax']));
    assert.ok(!ruleSelected('dax/get-unlocked-put', ['lock/']));
    assert.ok(!ruleSelected('dax/get-unlocked-put', null));
  });
});
