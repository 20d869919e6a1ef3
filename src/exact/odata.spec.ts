import { describe, expect, it } from '@jest/globals';
import { f, fromExact, lit, padCode, parseExactDate, parseInt64, queryString, toExactDate } from './odata.js';

// The OData v2 dialect Exact speaks (API.md §3): every query string Koppel sends is built here.
describe('OData literals', () => {
  it('quotes strings with doubled single quotes', () => {
    expect(lit.string("O'Brien & Zn")).toBe("'O''Brien & Zn'");
  });
  it('writes GUIDs lower-case and refuses anything else', () => {
    expect(lit.guid('6F1B3C2E-0000-4000-8000-000000000001')).toBe("guid'6f1b3c2e-0000-4000-8000-000000000001'");
    expect(() => lit.guid("x' or 1 eq 1 or ID eq guid'")).toThrow(TypeError);
  });
  it('writes datetimes without zone, Int64 with L, and refuses what is not a value', () => {
    expect(lit.datetime(new Date('2026-03-01T00:00:00Z'))).toBe("datetime'2026-03-01T00:00:00'");
    expect(lit.int64(12345678901234567890n)).toBe('12345678901234567890L');
    expect(() => lit.int64('1; drop')).toThrow(TypeError);
    expect(() => lit.number(Number.NaN)).toThrow(TypeError);
    expect(() => lit.datetime('not a date')).toThrow(TypeError);
  });
  it('pads an Account Code to 18 characters, right-aligned', () => {
    expect(padCode(' 1234 ')).toBe('              1234');
    expect(lit.code("12'3")).toBe(`'${' '.repeat(14)}12''3'`);
    expect(() => padCode('1'.repeat(19))).toThrow(RangeError);
  });
});

describe('the $filter builder', () => {
  it('picks the literal from the value type', () => {
    expect(f.eq('Name', 'x')).toBe("Name eq 'x'");
    expect(f.ne('Blocked', true)).toBe('Blocked ne true');
    expect(f.ge('FinancialYear', 2026)).toBe('FinancialYear ge 2026');
    expect(f.gt('Timestamp', 5n)).toBe('Timestamp gt 5L');
    expect(f.lt('Modified', new Date('2026-01-02T03:04:05Z'))).toBe("Modified lt datetime'2026-01-02T03:04:05'");
    expect(f.substringof("a'b", 'Name')).toBe("substringof('a''b',Name) eq true");
  });
  it('brackets every part of and/or and drops empty parts', () => {
    expect(f.and(f.eq('A', 1), undefined, false, f.or(f.eq('B', 'x'), f.eq('B', 'y')))).toBe("(A eq 1) and ((B eq 'x') or (B eq 'y'))");
    expect(f.or()).toBe('');
  });
});

describe('queryString', () => {
  it('is empty without options', () => {
    expect(queryString()).toBe('');
  });
  it('encodes spaces as %20 and quotes as %27, never +', () => {
    const q = queryString({ filter: f.eq('Name', 'A B+C'), select: ['ID', 'Name'], orderby: 'Name desc', top: 5, inlinecount: true });
    expect(q).toBe('?$select=ID%2CName&$filter=Name%20eq%20%27A%20B%2BC%27&$orderby=Name%20desc&$top=5&$inlinecount=allpages');
    expect(q).not.toContain('+');
    expect(decodeURIComponent(q)).toContain("$filter=Name eq 'A B+C'");
  });
  it('keeps a padded code intact', () => {
    expect(decodeURIComponent(queryString({ filter: f.code('Code', 42) }))).toBe(`?$filter=Code eq '${' '.repeat(16)}42'`);
  });
});

describe('values at the edge', () => {
  it('parses /Date(ms)/ and Int64 strings', () => {
    expect(parseExactDate('/Date(1382667872203)/')?.toISOString()).toBe('2013-10-25T02:24:32.203Z');
    expect(parseExactDate('/Date(-1000+0100)/')?.getTime()).toBe(-1000);
    expect(parseExactDate('2013-10-25')).toBeNull();
    expect(parseInt64('9007199254740993')).toBe(9007199254740993n);
    expect(parseInt64('1.5')).toBeNull();
  });
  it('converts a record: dates, named Int64 fields, no metadata or deferred links', () => {
    const r = fromExact<Record<string, unknown>>(
      { __metadata: { uri: 'u' }, ID: 'a', Timestamp: '99', Hid: '7', Modified: '/Date(0)/', Lines: { __deferred: { uri: 'x' } }, Code: '    12' },
      ['Timestamp', 'Hid'],
    );
    expect(r).toEqual({ ID: 'a', Timestamp: 99n, Hid: 7n, Modified: new Date(0), Code: '    12' });
  });
  it('writes dates as ISO days', () => {
    expect(toExactDate(new Date('2026-12-02T23:00:00Z'))).toBe('2026-12-02');
    expect(toExactDate('2026-12-02T10:00:00')).toBe('2026-12-02');
  });
});
