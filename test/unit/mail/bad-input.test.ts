// Hostile and broken input: never a throw, never a hang, problems named by line.
import { strict as assert } from 'node:assert';
import { readMail } from '../../../src/mail';

const time = <T>(f: () => T): [T, number] => {
  const t0 = process.hrtime.bigint();
  const r = f();
  return [r, Number(process.hrtime.bigint() - t0) / 1e6];
};

describe('mail: bad input', () => {
  it('empty input and a lone newline', () => {
    for (const s of ['', '\n', '\r\n']) {
      const doc = readMail(s);
      assert.equal(doc.messages.length, 1);
    }
  });

  it('a binary file (NUL bytes, no lines) is read, not thrown on', () => {
    const bytes = Buffer.alloc(100000);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) & 0xff;
    const doc = readMail(bytes);
    const m = doc.messages[0];
    const newlines = bytes.filter((b) => b === 10).length;
    assert.equal(m.body.length + m.listFooter.length, newlines + 1, 'every line is in the body');
    assert.ok(m.body.every((l, k) => l.mailLine === k + 1));
  });

  it('gzip magic bytes over junk: read as it is, reported', () => {
    const doc = readMail(Buffer.from([0x1f, 0x8b, 0x41, 0x42, 0x0a, 0x43]));
    assert.ok(doc.diagnostics.some((d) => d.line === 1 && d.severity === 'error' && /gzip/.test(d.message)));
    assert.equal(doc.messages[0].body.length, 2);
  });

  it('1,000 quote levels', () => {
    const deep = '>'.repeat(1000) + ' deep text';
    const [doc, ms] = time(() => readMail(`From: a@b.c\nSubject: x\n\n${deep}\n${'> '.repeat(1000)}more\n`));
    assert.ok(ms < 2000, `${ms} ms`);
    assert.equal(doc.messages[0].body[0].depth, 1000);
    assert.equal(doc.messages[0].body[0].text, 'deep text');
  });

  it('a million-line body is read in time with every line', function () {
    this.timeout(20000);
    const body = '+\tdax_wake_mapping_entry_waiter(mapping, index, entry, false);\n'.repeat(1_000_000);
    const [doc, ms] = time(() => readMail(`From: a@b.c\nSubject: [PATCH] huge\n\n${body}`));
    const m = doc.messages[0];
    assert.equal(m.body.length, 1_000_000);
    assert.equal(m.body[999_999].mailLine, 1_000_003);
    assert.ok(ms < 10000, `${ms} ms`);
  });

  it('multipart nested past any sane depth is read as text and reported', () => {
    const lines = ['From: a@b.c', 'Content-Type: multipart/mixed; boundary=b0', ''];
    for (let d = 0; d < 100; d++) lines.push(`--b${d}`, `Content-Type: multipart/mixed; boundary=b${d + 1}`, '');
    lines.push('--b100', 'Content-Type: text/plain', '', 'the text');
    const m = readMail(lines.join('\n')).messages[0];
    assert.ok(m.body.some((l) => l.raw === 'the text'));
    assert.ok(m.diagnostics.some((d) => /too deep/.test(d.message)));
  });

  it('a very long line and a line of only ">" characters', () => {
    const doc = readMail(`From: a@b.c\n\n${'x'.repeat(5_000_000)}\n${'>'.repeat(100000)}\n`);
    assert.equal(doc.messages[0].body[0].raw.length, 5_000_000);
  });

  it('bad base64 everywhere still decodes what it can and names lines', () => {
    const m = readMail('From: a@b.c\nContent-Transfer-Encoding: base64\n\n%%%%\naGVsbG8K\n$$\nQ\n').messages[0];
    assert.equal(m.body[0].raw, 'hello');
    assert.deepEqual(m.diagnostics.map((d) => d.line), [4, 6, 7]);
  });
});
