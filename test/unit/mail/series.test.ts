import { strict as assert } from 'node:assert';
import { parseSeriesTag, stripReplyPrefixes, type SeriesTag } from '../../../src/mail';

describe('mail: series tags', () => {
  const cases: [string, Partial<SeriesTag>][] = [
    ['Re: [PATCH v5 15/17] dax: add struct iomap based DAX PMD support', { version: 5, index: 15, total: 17, prefixes: [] }],
    ['Re: [PATCH v8 10/18] dax, dm: introduce', { version: 8, index: 10, total: 18 }],
    ['Re: [-mm PATCH v2 23/25] mm, x86: get_user_pages() for dax mappings', { version: 2, index: 23, total: 25, prefixes: ['-mm'] }],
    ['Re: [PATCH 00/13] Fix the DAX-gup mistake', { version: null, index: 0, total: 13 }],
    ['[RFC PATCH] dax: foo', { rfc: true, version: null, index: null, total: null }],
    ['[PATCH RESEND v2 3/4] x', { resend: true, version: 2, index: 3, total: 4 }],
    ['[PATCH v6,19/24] x', { version: 6, index: 19, total: 24 }],
    ['[PATCHv3 2/5] x', { version: 3, index: 2, total: 5 }],
    ['[PATCH 1 of 2] x', { index: 1, total: 2 }],
    ['RE: Fwd: Re: [PATCH V4 1/2] x', { version: 4, index: 1, total: 2 }],
    ['[net-next] [PATCH v2 1/3] x', { version: 2, index: 1, total: 3, prefixes: ['net-next'] }],
    ['[PATCH net-next v3 07/10] x', { version: 3, index: 7, total: 10, prefixes: ['net-next'] }],
    ['[RFC v2 PATCH 3/5] x', { rfc: true, version: 2, index: 3, total: 5 }],
    ['[RFC][PATCH 1/2] x', { rfc: true, index: 1, total: 2 }],
    ['[PATCH v2.1 3/4] x', { version: 2.1, index: 3, total: 4 }],
    ['[PATCH 3/4 V2] x', { version: 2, index: 3, total: 4 }],
  ];
  for (const [subject, want] of cases) {
    it(subject, () => {
      const tag = parseSeriesTag(subject);
      assert.ok(tag);
      for (const [k, v] of Object.entries(want)) assert.deepEqual(tag[k as keyof typeof tag], v, k);
    });
  }

  it('keeps the raw tag text', () => {
    assert.equal(parseSeriesTag('Re: [PATCH v5 15/17] dax')!.raw, '[PATCH v5 15/17]');
  });

  it('returns null without a bracket group', () => {
    assert.equal(parseSeriesTag('Re: dax: a question about PMD entries'), null);
    assert.equal(parseSeriesTag(''), null);
  });

  it('strips reply prefixes only', () => {
    assert.equal(stripReplyPrefixes('Re: RE: Fwd: [PATCH] x'), '[PATCH] x');
    assert.equal(stripReplyPrefixes('Regression in dax'), 'Regression in dax');
  });
});
