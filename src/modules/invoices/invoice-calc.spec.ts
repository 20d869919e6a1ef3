import { describe, expect, it } from '@jest/globals';
import { calculate } from './invoice-calc.js';

describe('invoice calculation', () => {
  it('computes exactly where floats would drift', () => {
    const r = calculate([
      { description: 'a', quantity: '3', unitPrice: '0.1', vatPercentage: 21, vatRateId: 1 },
      { description: 'b', quantity: '1', unitPrice: '0.2', vatPercentage: 21, vatRateId: 1 },
    ]);
    expect(r.net.toFixed(2)).toBe('0.50');
    expect(r.vat.toFixed(2)).toBe('0.10'); // 0.063 → 0.06 and 0.042 → 0.04
    expect(r.gross.toFixed(2)).toBe('0.60');
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
