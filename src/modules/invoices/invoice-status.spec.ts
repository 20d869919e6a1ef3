import { describe, expect, it } from '@jest/globals';
import { INVOICE_STATUSES, type InvoiceStatus } from './invoice.entity.js';
import { InvoiceTransitionError, TRANSITIONS, canTransition, statusAfterExport, statusAfterFinalize, statusForPayments, transition } from './invoice-status.js';

describe('invoice status transitions', () => {
  it('allows exactly the steps of the table', () => {
    const allowed: [InvoiceStatus, InvoiceStatus][] = [
      ['draft', 'final'],
      ['final', 'exported'], ['final', 'partly_paid'], ['final', 'paid'],
      ['exported', 'partly_paid'], ['exported', 'paid'],
      ['partly_paid', 'paid'], ['partly_paid', 'exported'],
      ['paid', 'partly_paid'], ['paid', 'exported'],
    ];
    for (const from of INVOICE_STATUSES) {
      for (const to of INVOICE_STATUSES) {
        const expected = from === to || allowed.some(([a, b]) => a === from && b === to);
        expect([from, to, canTransition(from, to)]).toEqual([from, to, expected]);
      }
    }
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...INVOICE_STATUSES].sort());
  });

  it('refuses what the table does not allow, with a conflict (409) naming both ends', () => {
    for (const [from, to] of [['draft', 'exported'], ['draft', 'paid'], ['final', 'draft'], ['exported', 'final'], ['paid', 'draft'], ['exported', 'draft']] as [InvoiceStatus, InvoiceStatus][]) {
      let caught: unknown;
      try {
        transition(from, to);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(InvoiceTransitionError);
      expect((caught as InvoiceTransitionError).status).toBe(409);
      expect((caught as InvoiceTransitionError).message).toContain(`from ${from} to ${to}`);
    }
  });

  it('makes only a draft final', () => {
    expect(statusAfterFinalize('draft')).toBe('final');
    for (const s of ['final', 'exported', 'partly_paid', 'paid'] as const) expect(() => statusAfterFinalize(s)).toThrow(InvoiceTransitionError);
    expect(() => statusAfterFinalize('final')).toThrow(expect.objectContaining({ userMessageKey: 'invoices.errors.notDraft' }) as never);
  });

  it('exports a final invoice; a corrected invoice exported again keeps its status; a draft is refused', () => {
    expect(statusAfterExport('final')).toBe('exported');
    expect(statusAfterExport('exported')).toBe('exported');
    expect(statusAfterExport('partly_paid')).toBe('partly_paid');
    expect(statusAfterExport('paid')).toBe('paid');
    expect(() => statusAfterExport('draft')).toThrow(InvoiceTransitionError);
  });

  it('derives paid / partly paid / back to exported from the payments', () => {
    expect(statusForPayments('exported', '121.00', '121.00')).toBe('paid');
    expect(statusForPayments('exported', '121.00', '150.00')).toBe('paid');
    expect(statusForPayments('exported', '121.00', '21.00')).toBe('partly_paid');
    expect(statusForPayments('partly_paid', '121.00', '121.00')).toBe('paid');
    expect(statusForPayments('paid', '121.00', '100.00')).toBe('partly_paid');
    // nothing paid any more: back to exported; an invoice never paid keeps its status
    expect(statusForPayments('paid', '121.00', '0')).toBe('exported');
    expect(statusForPayments('partly_paid', '121.00', '0.00')).toBe('exported');
    expect(statusForPayments('exported', '121.00', '0')).toBe('exported');
    expect(statusForPayments('final', '121.00', '0')).toBe('final');
    // a final invoice with a payment: its entry is evidently in Exact
    expect(statusForPayments('final', '121.00', '121.00')).toBe('paid');
    expect(statusForPayments('final', '121.00', '1.00')).toBe('partly_paid');
  });

  it('treats credit notes (negative amounts) the other way round', () => {
    expect(statusForPayments('exported', '-50.00', '-50.00')).toBe('paid');
    expect(statusForPayments('exported', '-50.00', '-60.00')).toBe('paid');
    expect(statusForPayments('exported', '-50.00', '-10.00')).toBe('partly_paid');
  });

  it('never touches a draft', () => {
    expect(statusForPayments('draft', '121.00', '121.00')).toBe('draft');
    expect(statusForPayments('draft', '121.00', '0')).toBe('draft');
  });
});
