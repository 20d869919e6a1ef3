import { calculate, type CalcLineInput, type InvoiceTotals } from '../invoice-calc.js';
import { formatDate, formatMoney, translator, type Lang } from '../../../common/i18n/i18n.js';
import type { InvoiceSenderResolved } from '../../invoice-sender/invoice-sender.types.js';

/** EU member states (ISO 3166-1 alpha-2; Greece as GR): a 0 % supply to one of them is intra-Community. */
const EU = new Set(['AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'GR', 'EL', 'HU', 'IE', 'IT', 'LV', 'LT', 'LU', 'MT', 'NL', 'PL', 'PT', 'RO', 'SK', 'SI', 'ES', 'SE']);

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

/** The kind of a VAT rate used on the invoice, for the legally required notes. */
export interface PdfVatKind {
  vatRateId: number | string;
  name: string;
  reverseCharge: boolean;
}

export interface InvoicePdfInput {
  lang: Lang;
  location: PdfParty;
  /** Who the invoice is from (legal name, address, KvK, VAT, contact, logo); see InvoiceSenderService.resolve. */
  sender?: InvoiceSenderResolved;
  vatKinds?: PdfVatKind[];
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
  const senderCountry = input.sender?.country ?? input.location.country;
  const country = (code: string) => t(`countries.${code}`, { defaultValue: code }); // a country without a translation prints its code
  const countryName = input.customer.country && input.customer.country !== senderCountry ? country(input.customer.country) : undefined;
  const sender = input.sender
    ? { ...input.sender, iban: input.location.iban, showTradeName: input.sender.tradeName !== input.sender.legalName, countryName: input.sender.country !== 'NL' || countryName ? country(input.sender.country) : undefined }
    : { legalName: input.location.name, street: input.location.street, houseNumber: input.location.houseNumber, postcode: input.location.postcode, city: input.location.city, vatNumber: input.location.vatNumber, email: input.location.email, iban: input.location.iban };
  const reverse = new Set((input.vatKinds ?? []).filter((k) => k.reverseCharge).map((k) => String(k.vatRateId)));
  return {
    totals,
    model: {
      location: input.location,
      sender,
      vatNotes: vatNotes(input, totals, senderCountry ?? 'NL'),
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
      lines: totals.lines.map((l) => ({ ...l, reverseCharge: reverse.has(String(l.vatRateId)), quantity: l.quantity.toString(), unitPrice: l.unitPrice.toString(), net: l.net.toString(), vatPercentage: l.vatPercentage.toString() })),
      vatSummary: totals.vatSummary.map((v) => ({ reverseCharge: reverse.has(String(v.vatRateId)), percentage: v.percentage.toString(), base: v.base.toString(), vat: v.vat.toString() })),
      totals: { net: totals.net.toString(), vat: totals.vat.toString(), gross: totals.gross.toString(), grossText: formatMoney(input.lang, totals.gross.toString()) },
    },
  };
}

/**
 * The notes the law asks for when an invoice carries no VAT on a line: reverse charge ("btw verlegd", with the
 * customer's VAT number), an intra-Community supply at 0 % (with the customer's VAT number), an export outside the
 * EU, or a domestic 0 % rate. Only for rates that are really used on the invoice (a base that is not zero).
 */
export function vatNotes(input: InvoicePdfInput, totals: InvoiceTotals, senderCountry: string): string[] {
  const t = translator(input.lang);
  const used = new Set(totals.vatSummary.filter((r) => !r.base.isZero()).map((r) => String(r.vatRateId)));
  const kinds = (input.vatKinds ?? []).filter((k) => used.has(String(k.vatRateId)));
  const vatNumber = input.customer.vatNumber || t('invoices.pdf.notes.missingVat');
  const notes: string[] = [];
  const reverse = kinds.filter((k) => k.reverseCharge);
  if (reverse.length) notes.push(t('invoices.pdf.notes.reverseCharge', { rates: reverse.map((k) => k.name).join('", "'), vatNumber }));
  const zero = totals.vatSummary.some((r) => used.has(String(r.vatRateId)) && r.percentage.isZero() && !reverse.some((k) => String(k.vatRateId) === String(r.vatRateId)));
  if (zero) {
    const country = input.customer.country ?? senderCountry;
    if (country === senderCountry) notes.push(t('invoices.pdf.notes.zero'));
    else if (EU.has(country)) notes.push(t('invoices.pdf.notes.intraEu', { vatNumber }));
    else notes.push(t('invoices.pdf.notes.export'));
  }
  return notes;
}
