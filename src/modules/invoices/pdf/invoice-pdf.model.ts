import { calculate, type CalcLineInput, type InvoiceTotals } from '../invoice-calc.js';
import { formatDate, formatMoney, translator, type Lang } from '../../../common/i18n/i18n.js';

export interface PdfParty {
  name: string;
  number?: string;
  contact?: string | null;
  street?: string | null;
  houseNumber?: string | null;
  postcode?: string | null;
  city?: string | null;
  country?: string | null;
  vatNumber?: string | null;
  email?: string | null;
  iban?: string | null;
}

export interface InvoicePdfInput {
  lang: Lang;
  location: PdfParty;
  customer: PdfParty;
  number: string;
  invoiceDate: Date;
  dueDate: Date;
  reference?: string | null;
  paymentReference: string;
  isCredit: boolean;
  creditFor?: string | null;
  lines: CalcLineInput[];
}

/** The view model of views/pdf/invoice.hbs: what the customer sees, computed with the same rules as the export. */
export function invoicePdfModel(input: InvoicePdfInput): { model: Record<string, unknown>; totals: InvoiceTotals } {
  const totals = calculate(input.lines);
  const t = translator(input.lang);
  const countryName = input.customer.country && input.customer.country !== input.location.country ? t(`countries.${input.customer.country}`) : undefined;
  return {
    totals,
    model: {
      location: input.location,
      customer: { ...input.customer, countryName },
      invoice: {
        number: input.number,
        invoiceDate: input.invoiceDate,
        dueDate: input.dueDate,
        dueDateText: formatDate(input.lang, input.dueDate),
        reference: input.reference,
        paymentReference: input.paymentReference,
        isCredit: input.isCredit,
        creditFor: input.creditFor,
      },
      lines: totals.lines.map((l) => ({ ...l, quantity: l.quantity.toString(), unitPrice: l.unitPrice.toString(), net: l.net.toString(), vatPercentage: l.vatPercentage.toString() })),
      vatSummary: totals.vatSummary.map((v) => ({ percentage: v.percentage.toString(), base: v.base.toString(), vat: v.vat.toString() })),
      totals: { net: totals.net.toString(), vat: totals.vat.toString(), gross: totals.gross.toString(), grossText: formatMoney(input.lang, totals.gross.toString()) },
    },
  };
}
