import { describe, expect, it } from '@jest/globals';
import { calculate } from './invoice-calc.js';

describe('invoice calculation', () => {
  it('computes exactly where floats would drift', () => {
    const r = calculate([
      { description: 'a', quantity: '3', unitPrice: '0.1', vatPercentage: 21, vatRateId: 1 },
      { description: 'b', quantity: '1', unitPrice: '0.2', vatPercentage: 21, vatRateId: 1 },
    ]);
    expect(r.net.toFixed(2)).toBe('0.50');
    // VAT on the rate's total: 0.50 × 21 % = 0.105 → 0.11 (per line it would be 0.06 + 0.04 = 0.10)
    expect(r.vat.toFixed(2)).toBe('0.11');
    expect(r.gross.toFixed(2)).toBe('0.61');
    // the lines' VAT (what Exact books) adds up to the printed total; the cent goes to the largest line
    expect(r.lines.map((l) => l.vat.toFixed(2))).toEqual(['0.07', '0.04']);
  });

  it('computes VAT per rate on the rate total, and the lines add up to it (also negative, also several cents)', () => {
    const lines = Array.from({ length: 7 }, (_, i) => ({ description: `r${i}`, quantity: '1', unitPrice: '0.05', vatPercentage: '21', vatRateId: 'high' }));
    const r = calculate([...lines, { description: 'low', quantity: '1', unitPrice: '10.05', vatPercentage: '9', vatRateId: 'low' }]);
    // 7 × 0.05 = 0.35 × 21 % = 0.0735 → 0.07; per line 7 × 0.01 (0.0105 → 0.01) = 0.07 as well
    expect(r.vatSummary.map((s) => [s.vatRateId, s.base.toFixed(2), s.vat.toFixed(2)])).toEqual([['high', '0.35', '0.07'], ['low', '10.05', '0.90']]);
    const many = calculate(Array.from({ length: 6 }, (_, i) => ({ description: `m${i}`, quantity: '1', unitPrice: '0.03', vatPercentage: '21', vatRateId: 1 })));
    // per line 0.0063 → 0.01 each = 0.06; on the total 0.18 × 21 % = 0.0378 → 0.04: two cents come off
    expect(many.vat.toFixed(2)).toBe('0.04');
    expect(many.lines.reduce((s, l) => s + Number(l.vat.toFixed(2)) * 100, 0)).toBe(4);
    const credit = calculate([
      { description: 'a', quantity: '-3', unitPrice: '0.1', vatPercentage: 21, vatRateId: 1 },
      { description: 'b', quantity: '-1', unitPrice: '0.2', vatPercentage: 21, vatRateId: 1 },
    ]);
    expect(credit.vat.toFixed(2)).toBe('-0.11');
    expect(credit.lines.map((l) => l.vat.toFixed(2))).toEqual(['-0.07', '-0.04']);
  });

  it('makes a discount its own negative line at the same VAT rate', () => {
    const r = calculate([{ description: 'Consultancy', quantity: '10', unitPrice: '95.00', discountPercent: '10', vatPercentage: '21', vatRateId: 'high' }]);
    expect(r.lines).toHaveLength(2);
    expect(r.lines[1].kind).toBe('discount');
    expect(r.lines[1].net.toFixed(2)).toBe('-95.00');
    expect(r.net.toFixed(2)).toBe('855.00');
    expect(r.vat.toFixed(2)).toBe('179.55');
    expect(r.gross.toFixed(2)).toBe('1034.55');
  });

  it('summarises VAT per rate, highest first, and totals equal the sum of the lines', () => {
    const r = calculate([
      { description: 'Boek', quantity: '2', unitPrice: '19.99', vatPercentage: '9', vatRateId: 'low' },
      { description: 'Advies', quantity: '1.5', unitPrice: '120.00', vatPercentage: '21', vatRateId: 'high' },
      { description: 'Export', quantity: '1', unitPrice: '50', vatPercentage: '0', vatRateId: 'zero' },
    ]);
    expect(r.vatSummary.map((s) => [s.vatRateId, s.base.toFixed(2), s.vat.toFixed(2)])).toEqual([
      ['high', '180.00', '37.80'],
      ['low', '39.98', '3.60'],
      ['zero', '50.00', '0.00'],
    ]);
    expect(r.gross.toFixed(2)).toBe('311.38');
  });

  it('keeps credit notes negative throughout', () => {
    const r = calculate([{ description: 'Credit', quantity: '-1', unitPrice: '100', vatPercentage: '21', vatRateId: 1 }]);
    expect(r.gross.toFixed(2)).toBe('-121.00');
  });
});
