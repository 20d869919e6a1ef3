import { describe, expect, it } from '@jest/globals';
import { paymentLabel } from './payments.view.js';

describe('payment labels', () => {
  it('names a payment by the type of the journal it was booked in, not "bank entry" for every cash flow line', () => {
    expect(paymentLabel('bank', 10)).toBe('payments.kinds.cash');
    expect(paymentLabel('bank', 12)).toBe('payments.kinds.bank');
    expect(paymentLabel('general', 90)).toBe('payments.kinds.general');
    // a general journal line is one whatever Koppel knows of its journal; a journal not imported says no more than it knows
    expect(paymentLabel('general', undefined)).toBe('payments.kinds.general');
    expect(paymentLabel('bank', undefined)).toBe('payments.kinds.cashFlow');
    expect(paymentLabel('settlement', 12)).toBe('payments.kinds.settlement');
  });
});
