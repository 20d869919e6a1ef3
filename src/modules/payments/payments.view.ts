import type { InvoicePayment } from './invoice-payment.entity.js';
import type { InvoiceSummary } from '../invoices/invoices.view.js';

/** One payment row of the popup and the detail section. */
export const paymentView = (p: InvoicePayment) => ({
  id: p.id,
  date: p.date,
  amount: p.amount,
  kind: p.kind,
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
