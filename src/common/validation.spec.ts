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
