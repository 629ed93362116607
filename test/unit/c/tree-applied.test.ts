// A patch the tree already holds (git apply -R would apply it): the tree's text is the code after
// the patch and the code before it is that text with the hunks reversed. A patch that only adds
// whole functions the tree has is read as it is, and a tree whose function differs from the
// patch's by a line does not hold the patch.
import { strict as assert } from 'node:assert';
import { readMail } from '../../../src/mail/index';
import { parsePatchMail } from '../../../src/patch/index';
import { applyToTree, type TreeSource } from '../../../src/c/tree';
import { getCParser } from '../../../src/c/index';

const tree = (text: string): TreeSource => ({ name: 'the test tree', read: (f) => (f === 'fs/x.c' ? text : null), fuzzy: true });

const AFTER = `static int helper(int a)
{
	if (a > 3)
		return -1;
	return a * 2;
}

int user(int a, int b)
{
	int ret;

	lock(b);
	ret = helper(a);
	unlock(b);
	return ret;
}
`;

function mail(hunks: string): string {
  return ['From: A Developer <dev@example.org>', 'Subject: [PATCH] x: a change', 'Message-ID: <t@example.org>', '', 'Text.', '',
    '---', 'diff --git a/fs/x.c b/fs/x.c', '--- a/fs/x.c', '+++ b/fs/x.c', hunks, '-- ', '2.40.0', ''].join('\n');
}

const ADD_HELPER_AND_CALL = `@@ -1,9 +1,16 @@
+static int helper(int a)
+{
+	if (a > 3)
+		return -1;
+	return a * 2;
+}
+
 int user(int a, int b)
 {
 	int ret;
 
 	lock(b);
-	ret = a * 2;
+	ret = helper(a);
 	unlock(b);
 	return ret;
 }`;

describe('c: a patch the tree already holds', () => {
  before(async () => { await getCParser(); });

  it('reads the tree as the code after the patch and reverses the hunks for the code before it', () => {
    const pm = parsePatchMail(readMail(mail(ADD_HELPER_AND_CALL)))[0];
    const r = applyToTree(pm, tree(AFTER));
    assert.ok(r.failures.every((f) => f.applied), JSON.stringify(r.failures));
    assert.ok(r.failures.some((f) => f.reason.startsWith('already in the test tree')), JSON.stringify(r.failures));
    const user = r.functions.find((f) => f.name === 'user')!;
    const text = (img: typeof user.pre) => img!.lines.map((l) => l.text.trim()).join(' ');
    assert.match(text(user.pre), /ret = a \* 2;/);
    assert.match(text(user.post), /ret = helper\(a\);/);
    assert.equal(user.post!.lines.find((l) => l.text.includes('helper(a)'))!.op, '+');
    assert.equal(user.pre!.lines.find((l) => l.text.includes('a * 2'))!.op, '-');
    const helper = r.functions.find((f) => f.name === 'helper')!;
    assert.equal(helper.pre, null, 'the function the patch adds is not there before it');
    assert.ok(helper.post?.whole);
  });

  it('applies a patch that only adds a function the tree has as it is', () => {
    const only = ADD_HELPER_AND_CALL.split('\n').slice(0, 8).join('\n').replace('@@ -1,9 +1,16 @@', '@@ -1,1 +1,8 @@') + '\n int user(int a, int b)';
    const pm = parsePatchMail(readMail(mail(only)))[0];
    const r = applyToTree(pm, tree(AFTER));
    assert.ok(!r.failures.some((f) => f.reason.startsWith('already in')), JSON.stringify(r.failures));
  });

  it('does not take a tree whose function has a line more than the patch\'s for one that holds it', () => {
    const differs = AFTER.replace('\t\treturn -1;\n', '\t\treturn -1;\n\tif (a < 0)\n\t\treturn -2;\n');
    const pm = parsePatchMail(readMail(mail(ADD_HELPER_AND_CALL)))[0];
    const r = applyToTree(pm, tree(differs));
    assert.ok(!r.failures.some((f) => f.reason.startsWith('already in')), JSON.stringify(r.failures));
  });
});
