import { describe, expect, it } from '@jest/globals';
import { isValidPostcode, isValidVat, normaliseVat } from './validation.js';

describe('VAT and postcode formats', () => {
  it('accepts Dutch and Belgian VAT numbers in their official shape', () => {
    expect(isValidVat('NL000000000B00', 'NL')).toBe(true);
    expect(isValidVat('BE0123456789', 'BE')).toBe(true);
    expect(isValidVat(normaliseVat('nl 8588.12.345 b01'), 'NL')).toBe(true);
  });
  it('rejects wrong shapes and a prefix of another country', () => {
    expect(isValidVat('NL12345678B01', 'NL')).toBe(false);
    expect(isValidVat('BE2123456789', 'BE')).toBe(false);
    expect(isValidVat('BE0123456789', 'NL')).toBe(false);
  });
  it('checks postcodes per country', () => {
    expect(isValidPostcode('3511 AB', 'NL')).toBe(true);
    expect(isValidPostcode('3511AB', 'NL')).toBe(true);
    expect(isValidPostcode('2000', 'BE')).toBe(true);
    expect(isValidPostcode('20000', 'BE')).toBe(false);
  });
});

describe('shared rules for dates, whole numbers and text (issue 13)', () => {
  it('accepts real calendar dates only', async () => {
    const { isIsoDate } = await import('./validation.js');
    expect(['2026-11-20', '2024-02-29', '1900-01-01', '9999-12-31'].map(isIsoDate)).toEqual([true, true, true, true]);
    expect(['0000-00-00', '9999-99-99', '2026-02-30', '2025-02-29', '2026-13-01', '2026-1-01', ' 2026-01-01', 20260101].map(isIsoDate)).toEqual(Array(8).fill(false));
  });
  it('takes whole numbers as digits within the column range, never Infinity, exponents or hex', async () => {
    const { toInt, PG_INT_MAX } = await import('./validation.js');
    expect(['12', ' 7 ', String(PG_INT_MAX), 3].map((v) => toInt(v))).toEqual([12, 7, PG_INT_MAX, 3]);
    expect(['Infinity', '1e3', '0x10', '12.0', '0', '-1', String(PG_INT_MAX + 1), '99999999999', '', Infinity, NaN].map((v) => toInt(v))).toEqual(Array(11).fill(undefined));
  });
  it('refuses control characters in text fields but keeps tabs and line breaks', async () => {
    const { requiredText, optionalText } = await import('./validation.js');
    for (const bad of ['a\u0007b', 'x\u001b[31m', 'y\u007f', 'z\u0085']) {
      const r = requiredText(50).safeParse(bad);
      expect(r.success ? 'accepted' : r.error.issues[0].message).toBe('validation.controlChars');
    }
    expect(optionalText(50).safeParse('regel 1\r\nregel 2\tkolom').success).toBe(true);
  });
});
