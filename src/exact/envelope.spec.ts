import { describe, expect, it } from '@jest/globals';
import { readCollection, readSingle } from './envelope.js';
import { exactUrl } from './transport.js';
import { fromExact, isValidExactCode, lit, f } from './odata.js';
import { ExactServerError } from './errors.js';

// issue #14 defect 9: Exact answers small $top queries as a bare array; every collection reader accepts both forms
describe('Exact collection envelopes', () => {
  const row = { __metadata: { uri: 'u', type: 't' }, ID: 'a', Timestamp: '12' };

  it('reads {"d":{"results":[…]}} with __next and __count', () => {
    expect(readCollection({ d: { results: [row], __next: 'https://x/api/v1/1/crm/Accounts?$skiptoken=1', __count: '7' } })).toEqual({
      rows: [row], next: 'https://x/api/v1/1/crm/Accounts?$skiptoken=1', count: 7,
    });
  });

  it('reads the bare array {"d":[…]} (no next, no count)', () => {
    expect(readCollection({ d: [row, { ID: 'b' }] })).toEqual({ rows: [row, { ID: 'b' }] });
    expect(readCollection({ d: [] })).toEqual({ rows: [] });
  });

  it('refuses what is no collection', () => {
    for (const body of [undefined, null, {}, { d: null }, { d: {} }, { d: { results: 'x' } }, { d: [1, 2] }, { d: { results: [null] } }, 'text']) {
      expect(readCollection(body)).toBeNull();
    }
  });

  it('reads a single entity, and a one-row collection in either form', () => {
    expect(readSingle({ d: row })).toBe(row);
    expect(readSingle({ d: { results: [row] } })).toBe(row);
    expect(readSingle({ d: [row] })).toBe(row);
    expect(readSingle({ d: [] })).toBeNull();
    expect(readSingle({ d: { results: [] } })).toBeNull();
    expect(readSingle({})).toBeNull();
  });

  it('converts an expanded line collection in either form', () => {
    const lines = [{ ID: 'l1', Date: '/Date(86400000)/' }];
    const a = fromExact<{ Lines: { Date: Date }[] }>({ Lines: { results: lines } });
    const b = fromExact<{ Lines: { Date: Date }[] }>({ Lines: lines });
    expect(a).toEqual(b);
    expect(b.Lines[0].Date).toEqual(new Date(86400000));
  });
});

// issue #13 item 7: __next is followed only to EXACT_BASE_URL's origin
describe('exactUrl', () => {
  const base = 'https://start.exactonline.nl';
  it('builds paths below /api/v1/', () => {
    expect(exactUrl(base, '123/crm/Accounts?$top=1')).toBe('https://start.exactonline.nl/api/v1/123/crm/Accounts?$top=1');
    expect(exactUrl(base, '/current/Me')).toBe('https://start.exactonline.nl/api/v1/current/Me');
  });
  it('follows an absolute link on the same origin verbatim', () => {
    const next = "https://start.exactonline.nl/api/v1/123/crm/Accounts?$select=ID&$skiptoken=guid'abc'";
    expect(exactUrl(base, next)).toBe(next);
  });
  it('refuses a link to another origin (host, scheme or port)', () => {
    for (const next of ['https://evil.example/api/v1/123/crm/Accounts', 'http://start.exactonline.nl/api/v1/1/x', 'https://start.exactonline.nl:8443/api/v1/1/x',
      'https://start.exactonline.nl.evil.example/api/v1/1/x', 'file:///etc/passwd', 'javascript:alert(1)']) {
      expect(() => exactUrl(base, next)).toThrow(ExactServerError);
    }
  });
});

// issue #13 item 7: quotes in padded-code literals are escaped; codes from Exact are validated
describe('code literals', () => {
  it('escapes quotes in a padded Account Code', () => {
    expect(lit.code("O'Brien")).toBe(`'${' '.repeat(11)}O''Brien'`);
    expect(f.code('Code', "1' or '1' eq '1")).toBe(`Code eq '   1'' or ''1'' eq ''1'`);
    expect(lit.code(1234)).toBe(`'${'1234'.padStart(18, ' ')}'`);
  });
  it('refuses control characters and over-long codes', () => {
    expect(() => lit.code('12\n34')).toThrow(RangeError);
    expect(() => lit.code('x'.repeat(19))).toThrow(RangeError);
    expect(isValidExactCode('8000')).toBe(true);
    expect(isValidExactCode('2  '.trim())).toBe(true);
    expect(isValidExactCode('')).toBe(false);
    expect(isValidExactCode('80\u000000')).toBe(false);
    expect(isValidExactCode('80\t00')).toBe(false);
    expect(isValidExactCode('x'.repeat(41))).toBe(false);
  });
});
