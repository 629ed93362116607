// File paths as `git apply -p1` takes them, whatever the diff's prefixes: quilt's Index:
// headers, a vendor tree's directory, -p0 diffs.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { readMail } from '../../../src/mail/index';
import { parsePatchMessage } from '../../../src/patch/index';
import { kernelPath, parseDiffGit, parseFileLine } from '../../../src/patch/lines';
import { messageFromText } from './helpers';

const fixture = (name: string): string => readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'mail', name), 'utf8');

describe('patch paths', () => {
  it('takes one leading directory off as git apply -p1 does, keeps a path that starts at the kernel top', () => {
    assert.equal(kernelPath('a/fs/dax.c'), 'fs/dax.c');
    assert.equal(kernelPath('redhat-linux/fs/dax.c'), 'fs/dax.c');
    assert.equal(kernelPath('linux-4.10.orig/include/linux/dax.h'), 'include/linux/dax.h');
    assert.equal(kernelPath('fs/dax.c'), 'fs/dax.c');
    assert.equal(kernelPath('mm/memory.c'), 'mm/memory.c');
    assert.equal(kernelPath('dax.c'), 'dax.c');
    assert.equal(kernelPath('./fs/dax.c'), 'fs/dax.c');
  });

  it('reads ---/+++ and diff --git lines with any prefix', () => {
    assert.equal(parseFileLine('--- vendor.orig/fs/dax.c\t2021-05-03 09:00:00 -0400', '---'), 'fs/dax.c');
    assert.equal(parseFileLine('+++ vendor/fs/dax.c\t2021-05-03 09:00:00 -0400', '+++'), 'fs/dax.c');
    assert.deepEqual(parseDiffGit('diff --git i/fs/dax.c w/fs/dax.c'), { oldPath: 'fs/dax.c', newPath: 'fs/dax.c' });
  });

  it('any prefix directory before a kernel path resolves to the kernel path', () => {
    const top = fc.constantFrom('fs', 'mm', 'include', 'drivers', 'arch');
    const dir = fc.stringMatching(/^[A-Za-z0-9_.-]{1,12}$/).filter((d) => !['fs', 'mm', 'include', 'drivers', 'arch', '.', '..'].includes(d));
    fc.assert(fc.property(dir, top, fc.stringMatching(/^[a-z_]{1,8}\.[ch]$/), (d, t, f) => {
      assert.equal(kernelPath(`${d}/${t}/${f}`), `${t}/${f}`);
    }));
  });

  it('a quilt patch: each Index: header names its file, the separator and the diffstat are not patch', () => {
    const pm = parsePatchMessage(readMail(fixture('quilt-index.patch')).messages[0]);
    assert.deepEqual(pm.files.map((f) => f.path), ['fs/dax.c', 'include/linux/dax.h']);
    const hunks = pm.files.flatMap((f) => f.hunks);
    assert.equal(hunks.length, 2);
    assert.ok(hunks.every((h) => h.clean && h.pathSource === 'header'));
    assert.ok(!pm.diagnostics.some((d) => /after a complete hunk/.test(d.message)), 'the second Index: header is not stray text');
  });

  it('an Index: header without ---/+++ lines still names the file of the hunk under it', () => {
    const pm = parsePatchMessage(messageFromText([
      'fix', '', 'Index: linux/mm/truncate.c', '===================================================================',
      '@@ -1,3 +1,3 @@', ' a', '-b', '+c', ' d',
    ].join('\n')));
    assert.deepEqual(pm.files.map((f) => f.path), ['mm/truncate.c']);
  });
});

describe('parser notes', () => {
  it('a hunk of C with no tab and lines indented with spaces: the mailer expanded the tabs, said once', () => {
    const spaces = parsePatchMessage(messageFromText([
      'fix', '', 'diff --git a/fs/dax.c b/fs/dax.c', '--- a/fs/dax.c', '+++ b/fs/dax.c',
      '@@ -1,3 +1,3 @@ static void mine(void)', '         a();', '-        b();', '+        c();',
    ].join('\n')));
    const notes = spaces.diagnostics.filter((d) => !d.verbose);
    assert.equal(notes.length, 1);
    assert.match(notes[0].message, /tabs expanded to spaces by the mailer \(3 lines\)/);
    const tabs = parsePatchMessage(messageFromText([
      'fix', '', 'diff --git a/fs/dax.c b/fs/dax.c', '--- a/fs/dax.c', '+++ b/fs/dax.c',
      '@@ -1,3 +1,3 @@ static void mine(void)', ' \ta();', '-\tb();', '+\tc();',
    ].join('\n')));
    assert.deepEqual(tabs.diagnostics.filter((d) => !d.verbose), []);
  });

  it('the reader marks its own notes verbose; a hunk that does not apply as posted gets one line', () => {
    const pm = parsePatchMessage(messageFromText([
      'fix', '', 'diff --git a/fs/dax.c b/fs/dax.c', '--- a/fs/dax.c', '+++ b/fs/dax.c',
      '@@ -1,4 +1,4 @@ static void other(void)', ' static void mine(void)', ' {', '', '-\ta();', '+\tb();',
    ].join('\n')));
    const ds = pm.diagnostics;
    assert.ok(ds.some((d) => d.verbose && /@@ context names other/.test(d.message)));
    const apply = ds.filter((d) => !d.verbose);
    assert.equal(apply.length, 1);
    assert.match(apply[0].message, /does not apply as posted: blank context lines lost their leading space \(1 line\)/);
    assert.equal(apply[0].severity, 'info');
  });
});

describe('parser notes on the seeds', () => {
  it('page chrome, list footers and @@ contexts naming another function are verbose; nothing else the reader says is', () => {
    const dir = path.join(__dirname, '..', '..', 'fixtures', 'seeds');
    let chatter = 0;
    for (const f of ['001_6e1e73b3e7c39ad9.txt', '004_a390448b7e93e5fc.txt', '000_4ccc91fba6929e52.txt']) {
      const doc = readMail(readFileSync(path.join(dir, f)));
      const ds = [...doc.diagnostics, ...doc.messages.flatMap((m) => [...m.diagnostics, ...parsePatchMessage(m).diagnostics])];
      for (const d of ds) {
        const isChatter = /page chrome|mailing-list footer|@@ context names|read as spacing|text after a complete hunk/.test(d.message);
        assert.equal(!!d.verbose, isChatter, `${f}:${d.line}: ${d.message}`);
        if (isChatter) chatter++;
      }
    }
    assert.ok(chatter >= 5);
  });
});
