// MIME: multipart trees, transfer encodings, charsets, format=flowed, broken parts.
import { strict as assert } from 'node:assert';
import { readMail, type Message } from '../../../src/mail';

const read = (lines: (string | Buffer)[]): Message => {
  const bufs = lines.map((l) => (typeof l === 'string' ? Buffer.from(l + '\n', 'utf8') : Buffer.concat([l, Buffer.from('\n')])));
  return readMail(Buffer.concat(bufs)).messages[0];
};
const texts = (m: Message) => m.body.map((l) => l.raw);
const head = (ct: string, extra: string[] = []) => ['From: Dan Williams <dan.j.williams@intel.com>', 'Subject: [PATCH] x', 'MIME-Version: 1.0', `Content-Type: ${ct}`, ...extra, ''];

describe('mail: MIME', () => {
  it('multipart/mixed: text/plain and a text/x-patch attachment read as body; binary kept as a part', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255]).toString('base64');
    const m = read([
      ...head('multipart/mixed; boundary="==b1=="'),
      'This is a multi-part message in MIME format.',
      '--==b1==',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Please review.',
      '--==b1==',
      'Content-Type: text/x-patch; name="0001-dax.patch"',
      'Content-Disposition: attachment; filename="0001-dax.patch"',
      'Content-Transfer-Encoding: 7bit',
      '',
      'diff --git a/fs/dax.c b/fs/dax.c',
      '+\tput_unlocked_mapping_entry(mapping, index, entry);',
      '--==b1==',
      'Content-Type: image/png; name="trace.png"',
      'Content-Transfer-Encoding: base64',
      '',
      png,
      '--==b1==--',
    ]);
    assert.deepEqual(texts(m), ['Please review.', 'diff --git a/fs/dax.c b/fs/dax.c', '+\tput_unlocked_mapping_entry(mapping, index, entry);']);
    assert.deepEqual(m.body.map((l) => l.mailLine), [10, 16, 17]);
    assert.equal(m.parts.length, 3);
    const bin = m.parts[2];
    assert.deepEqual([bin.binary, bin.inBody, bin.size, bin.filename], [true, false, 8, 'trace.png']);
    assert.deepEqual([...bin.data!], [0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255]);
    assert.ok(m.diagnostics.some((d) => d.line === bin.firstLine && /binary attachment "trace.png"/.test(d.message)));
    assert.equal(m.parts[1].filename, '0001-dax.patch');
  });

  it('multipart/signed: the signature is a non-body text part, not a binary one', () => {
    const m = read([...head('multipart/signed; boundary=s; protocol="application/pgp-signature"'),
      '--s', 'Content-Type: text/plain', '', 'signed text', '--s', 'Content-Type: application/pgp-signature', '',
      '-----BEGIN PGP SIGNATURE-----', 'iQEzBAEBCAAdFiEE', '-----END PGP SIGNATURE-----', '--s--']);
    assert.deepEqual(texts(m), ['signed text']);
    assert.deepEqual(m.parts.map((p) => [p.contentType, p.inBody, p.binary]), [['text/plain', true, false], ['application/pgp-signature', false, false]]);
    assert.ok(m.diagnostics.some((d) => /application\/pgp-signature part/.test(d.message)));
  });

  it('nested multipart/alternative: the plain text is the body, the HTML kept as a part', () => {
    const m = read([
      ...head('multipart/mixed; boundary=outer'),
      '--outer',
      'Content-Type: multipart/alternative; boundary=inner',
      '',
      '--inner',
      'Content-Type: text/html',
      '',
      '<p>hello</p>',
      '--inner',
      'Content-Type: text/plain',
      '',
      'hello',
      '--inner--',
      '--outer',
      'Content-Type: text/x-diff',
      '',
      '-old',
      '--outer--',
    ]);
    assert.deepEqual(texts(m), ['hello', '-old']);
    assert.deepEqual(m.parts.map((p) => [p.contentType, p.inBody]), [['text/html', false], ['text/plain', true], ['text/x-diff', true]]);
  });

  it('quoted-printable with soft breaks maps each line to where it starts', () => {
    const m = read([
      ...head('text/plain; charset=iso-8859-1', ['Content-Transfer-Encoding: quoted-printable']),
      'caf=E9 au lait, a very long line that was =',
      'broken by the encoder',
      'x =3D y;=20',
      'a =ZZ stray',
    ]);
    assert.deepEqual(texts(m), ['café au lait, a very long line that was broken by the encoder', 'x = y; ', 'a =ZZ stray']);
    assert.deepEqual(m.body.map((l) => l.mailLine), [7, 9, 10]);
    assert.ok(m.diagnostics.some((d) => d.line === 10 && /quoted-printable/.test(d.message)));
  });

  it('base64 text maps decoded lines to the encoded lines they start in', () => {
    const text = Array.from({ length: 30 }, (_, i) => `line ${i} of a base64 encoded patch body`).join('\n') + '\n';
    const enc = Buffer.from(text).toString('base64').match(/.{1,76}/g)!;
    const m = read([...head('text/plain; charset=utf-8', ['Content-Transfer-Encoding: base64']), ...enc]);
    assert.equal(m.body.length, 31);
    assert.equal(m.body[0].raw, 'line 0 of a base64 encoded patch body');
    assert.equal(m.body[0].mailLine, 7);
    const last = m.body[29];
    const byteOffset = text.indexOf('line 29');
    assert.equal(last.mailLine, 7 + Math.floor(byteOffset / 57));
  });

  it('bad base64: the bad line is named and the rest decoded', () => {
    const good = Buffer.from('first line\nsecond line\n').toString('base64');
    const m = read([...head('text/plain', ['Content-Transfer-Encoding: base64']), good.slice(0, 16), '!!**not base64**!!', good.slice(16)]);
    assert.ok(m.diagnostics.some((d) => d.line === 8 && /base64/.test(d.message)));
    assert.ok(texts(m).join('\n').startsWith('first line'));
  });

  it('base64 blobs concatenated on one line decode block by block', () => {
    const m = read([...head('text/plain', ['Content-Transfer-Encoding: base64']), Buffer.from('a').toString('base64') + Buffer.from('bc\n').toString('base64')]);
    assert.deepEqual(texts(m), ['abc', '']);
  });

  it('charsets: windows-1252, iso-8859-1, utf-8, and a bogus one without losing bytes', () => {
    const cp = read([...head('text/plain; charset=windows-1252', ['Content-Transfer-Encoding: 8bit']), Buffer.from([0x93, 0x68, 0x69, 0x94, 0x20, 0x80, 0x20, 0xe9])]);
    assert.equal(cp.body[0].raw, '\u201chi\u201d \u20ac é');
    const l1 = read([...head('text/plain; charset="ISO-8859-1"', ['Content-Transfer-Encoding: 8bit']), Buffer.from([0x80, 0xe9])]);
    assert.equal(l1.body[0].raw, '\u0080é');
    const u8 = read([...head('text/plain; charset=utf-8'), 'Jérôme']);
    assert.equal(u8.body[0].raw, 'Jérôme');
    const bogus = read([...head('text/plain; charset=x-no-such-charset'), Buffer.from('Jérôme '), Buffer.from([0xff, 0x41])]);
    assert.deepEqual(texts(bogus), ['Jérôme ', '\u00ffA']);
    assert.ok(bogus.diagnostics.some((d) => /x-no-such-charset/.test(d.message)));
    assert.ok(bogus.diagnostics.some((d) => d.line === 7 && /not valid/.test(d.message)));
  });

  it('a multi-byte charset (UTF-16) is decoded whole; lines map to the part', () => {
    const enc = Buffer.from('\ufeffline one\nline two', 'utf16le').toString('base64');
    const m = read([...head('text/plain; charset=utf-16', ['Content-Transfer-Encoding: base64']), enc]);
    assert.deepEqual(texts(m), ['line one', 'line two']);
    assert.ok(m.body.every((l) => l.mailLine === 7));
    const le = read([...head('text/plain; charset=utf-16le', ['Content-Transfer-Encoding: base64']), Buffer.from('no BOM', 'utf16le').toString('base64')]);
    assert.deepEqual(texts(le), ['no BOM']);
  });

  it('windows-1252 in quoted-printable and an ISO-8859-1 encoded word', () => {
    const m = read([
      'From: =?iso-8859-1?q?Andr=E9?= <a@b.c>', 'Subject: x', 'Content-Type: text/plain; charset=windows-1252', 'Content-Transfer-Encoding: quoted-printable', '',
      '=93quoted=94 =80',
    ]);
    assert.equal(m.from, 'André <a@b.c>');
    assert.equal(m.body[0].raw, '\u201cquoted\u201d \u20ac');
  });

  it('invalid UTF-8 keeps every byte and names the line', () => {
    const m = read([...head('text/plain; charset=utf-8'), 'ok', Buffer.from([0x61, 0xc3, 0x28, 0xe2, 0x82]), 'ok']);
    assert.deepEqual(texts(m), ['ok', 'a\u00c3(\u00e2\u0082', 'ok']);
    assert.deepEqual(m.diagnostics.filter((d) => /not valid/.test(d.message)).map((d) => d.line), [7]);
  });

  it('format=flowed with and without DelSp', () => {
    const lines = ['This is a long ', 'paragraph.', '> quoted ', '> text', '-- ', 'sig'];
    const plain = read([...head('text/plain; format=flowed'), ...lines]);
    assert.deepEqual(texts(plain), ['This is a long paragraph.', '> quoted text', '-- ', 'sig']);
    assert.deepEqual(plain.body.map((l) => l.mailLine), [6, 8, 10, 11]);
    const delsp = read([...head('text/plain; format=flowed; delsp=yes'), 'abc ', 'def']);
    assert.deepEqual(texts(delsp), ['abcdef']);
  });

  it('truncated multipart: the missing closing boundary is reported, the last part kept', () => {
    const m = read([...head('multipart/mixed; boundary=XYZ'), '--XYZ', 'Content-Type: text/plain', '', 'first', '--XYZ', 'Content-Type: text/x-patch', '', '+\tgoto out_unlock;']);
    assert.deepEqual(texts(m), ['first', '+\tgoto out_unlock;']);
    assert.ok(m.diagnostics.some((d) => d.line === 13 && /never closed/.test(d.message)));
  });

  it('a boundary that never appears: the body is read as text and reported', () => {
    const m = read([...head('multipart/mixed; boundary=nope'), 'plain body']);
    assert.deepEqual(texts(m), ['plain body']);
    assert.ok(m.diagnostics.some((d) => /never appears/.test(d.message)));
  });

  it('empty parts in every transfer encoding give no lines and no line 0', () => {
    for (const cte of ['base64', 'quoted-printable', '7bit']) {
      const m = read([...head('multipart/mixed; boundary=b'), '--b', `Content-Transfer-Encoding: ${cte}`, '', '--b', '', 'after', '--b--']);
      assert.deepEqual(m.body.map((l) => [l.mailLine, l.raw]), [[11, 'after']], cte);
    }
  });

  it('a forwarded message/rfc822 part: its headers kept, its quoted-printable body decoded', () => {
    const m = read([
      ...head('multipart/mixed; boundary=fw'),
      '--fw', 'Content-Type: text/plain', '', 'Forwarding the patch.',
      '--fw', 'Content-Type: message/rfc822', '',
      'From: Jan Kara <jack@suse.cz>', 'Subject: [PATCH] dax: x', 'Content-Transfer-Encoding: quoted-printable', '',
      '+\tif (entry =3D=3D NULL)', '--fw--',
    ]);
    assert.deepEqual(texts(m), ['Forwarding the patch.', 'From: Jan Kara <jack@suse.cz>', 'Subject: [PATCH] dax: x', 'Content-Transfer-Encoding: quoted-printable', '', '+\tif (entry == NULL)']);
    assert.equal(m.body[5].mailLine, 17);
  });

  it('RFC 2231 filenames', () => {
    const m = read([...head('multipart/mixed; boundary=b'), '--b', "Content-Disposition: attachment; filename*=utf-8''J%C3%A9r%C3%B4me.patch", '', 'x', '--b--']);
    assert.equal(m.parts[0].filename, 'Jérôme.patch');
    assert.equal(m.parts[0].inBody, true);
  });
});
