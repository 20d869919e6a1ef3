import type { InvoicePayment, PaymentKind } from './invoice-payment.entity.js';
import type { InvoiceSummary } from '../invoices/invoices.view.js';

/** Exact journal types a payment can be booked in (API.md §7.2 financial/Journals). */
const CASH_JOURNAL = 10;
const BANK_JOURNAL = 12;
const GENERAL_JOURNAL = 90;

/**
 * What a payment is called (i18n key): by the type of the journal it was booked in — a cash entry (10), a bank entry
 * (12), a general journal entry (90) — since a bank/cash line (TransactionLines Type 40) does not say which of the two
 * it is. A journal Koppel has not imported: "bank or cash entry"; a settlement: "matched in Exact".
 */
export function paymentLabel(kind: PaymentKind, journalType: number | undefined): string {
  if (kind === 'settlement') return 'payments.kinds.settlement';
  if (kind === 'general' || journalType === GENERAL_JOURNAL) return 'payments.kinds.general';
  if (journalType === CASH_JOURNAL) return 'payments.kinds.cash';
  if (journalType === BANK_JOURNAL) return 'payments.kinds.bank';
  return 'payments.kinds.cashFlow';
}

/** One payment row of the popup and the detail section; `journalType` = the type of the journal it was booked in. */
export const paymentView = (p: InvoicePayment, journalType?: number) => ({
  id: p.id,
  date: p.date,
  amount: p.amount,
  kind: p.kind,
  label: paymentLabel(p.kind, journalType),
  source: p.source,
  entryId: p.entryId,
  entryNumber: p.entryNumber,
  journalCode: p.journalCode,
  receivableId: p.receivableId,
  transactionLineId: p.transactionLineId,
});
export type PaymentView = ReturnType<typeof paymentView>;

/** The payments popup (htmx fragment) or page of one invoice. */
export function paymentsPopupModel(invoice: InvoiceSummary, payments: PaymentView[], popup: boolean) {
  return {
    title: 'payments.title',
    nav: 'invoices',
    invoice: { id: invoice.id, number: invoice.number ?? '', gross: invoice.gross, paid: invoice.paid, open: invoice.open, status: invoice.status },
    payments,
    popup,
  };
}
