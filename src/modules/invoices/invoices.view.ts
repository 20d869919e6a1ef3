import { Decimal } from 'decimal.js';
import type { Customer } from '../customers/customer.entity.js';
import type { Location } from '../locations/location.entity.js';
import type { VatRate } from '../ledgers/vat.entity.js';
import type { FieldErrors } from '../../common/errors.js';
import type { Choices } from '../products/products.service.js';
import { idOf } from '../products/products.view.js';
import { calculate, type CalcLineInput } from './invoice-calc.js';
import { INVOICE_STATUSES, type Invoice, type InvoicePdf, type InvoiceStatus, type LocationInvoicing } from './invoice.entity.js';
import type { InvoiceExport, InvoiceExportLog } from '../accounting-export/accounting-export.entity.js';
import { InvoiceLineForm, type LineValues } from './invoice.form.js';
import { INVOICE_KINDS, INVOICE_SORTS, COUNT_CAP, type InvoiceListQuery, type InvoiceSort } from './invoice-list.service.js';
import type { ResolvedDimensions } from './invoices.service.js';

/** Final invoices are locked (customer, location, amounts, PDF): a correction is a credit note. */
const EDITABLE: readonly InvoiceStatus[] = ['draft'];
export const isEditable = (inv: Pick<Invoice, 'status'>) => EDITABLE.includes(inv.status);

const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));
const sourceKey = (s?: string) => (s ? `invoices.source.${s}` : 'invoices.source.none');

/** What the payments popup (and others) show of an invoice. */
export interface InvoiceSummary {
  id: number;
  number?: string | null;
  kind: Invoice['kind'];
  gross: string;
  paid: string;
  open: string;
  status: InvoiceStatus;
}
export const invoiceSummary = (inv: InvoiceSummary): InvoiceSummary => ({ id: inv.id, number: inv.number, kind: inv.kind, gross: inv.gross, paid: inv.paid, open: inv.open, status: inv.status });

// ---------------------------------------------------------------- list

/** A column sorted for the first time: newest/highest first for dates, numbers and totals. */
const DEFAULT_DIR: Record<InvoiceSort, 'asc' | 'desc'> = { date: 'desc', number: 'desc', total: 'desc', customer: 'asc', status: 'asc' };
const listHref = (params: Record<string, unknown>) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `/invoices?${s}` : '/invoices';
};

export function listModel(query: InvoiceListQuery, page: unknown, locations: Choices['locations'], canManage: boolean, extra: Record<string, unknown>) {
  const filtered = !!(query.locationId || query.status || query.kind || query.from || query.to || query.q);
  // the parameters every link of the list keeps (filters, sort, size) — cursors and page are per link
  const keep = { location: query.locationId, status: query.status, kind: query.kind, from: query.from, to: query.to, q: query.q, sort: query.sort, dir: query.dir, size: query.pageSize };
  return {
    title: 'invoices.title',
    nav: 'invoices',
    tab: 'invoices',
    page,
    query,
    keep,
    filtered,
    capLabel: COUNT_CAP,
    locations,
    statuses: INVOICE_STATUSES,
    kinds: INVOICE_KINDS,
    canManage,
    sortUrls: Object.fromEntries(INVOICE_SORTS.map((s) => [s, listHref({ ...keep, sort: s, dir: query.sort === s ? (query.dir === 'asc' ? 'desc' : 'asc') : DEFAULT_DIR[s] })])),
    ...extra,
  };
}

// ---------------------------------------------------------------- form

/** A fresh line row: quantity 1, no discount, the first VAT rate. */
export const emptyLine = (index: number, choices: Choices): LineValues => ({ index, quantity: '1', discountPercent: '0', vatRateId: str(choices.vatRates[0]?.id) });

/** The form's values and lines of a stored invoice. */
export function editValues(inv: Invoice): { values: Record<string, unknown>; lines: LineValues[] } {
  return {
    values: {
      locationId: inv.location.id,
      customerId: inv.customer.id,
      number: inv.number ?? '',
      invoiceDate: inv.invoiceDate,
      dueDate: inv.dueDate,
      reference: inv.reference ?? '',
      language: inv.language,
    },
    lines: inv.lines.getItems().map((l, index) => ({
      index,
      description: l.description,
      quantity: new Decimal(l.quantity).toString(),
      unitPrice: new Decimal(l.unitPrice).toString(),
      discountPercent: new Decimal(l.discountPercent).toString(),
      vatRateId: str(l.vatRate.id),
      productId: idOf(l.product),
      glAccountId: idOf(l.glAccount),
      costCenterId: idOf(l.costCenter),
      costUnitId: idOf(l.costUnit),
    })),
  };
}

/** Title, action and status of the edit form of a stored invoice. */
export function editExtra(inv: Invoice) {
  const credit = inv.kind === 'credit_note';
  return {
    title: credit ? 'invoices.editCredit' : 'invoices.edit',
    titleParams: { number: inv.number ?? '' },
    action: `/invoices/${inv.id}`,
    id: inv.id,
    isCredit: credit,
    creditFor: inv.creditFor ? { id: inv.creditFor.id, number: inv.creditFor.number } : undefined,
    status: inv.status,
    exported: inv.status === 'exported',
    final: inv.status === 'final',
  };
}

/** The customer's address block (and whether it has one: a customer without address cannot be exported). */
export function customerView(c: Customer) {
  const hasAddress = !!(c.street && c.postcode && c.city);
  return { id: c.id, name: c.name, number: c.number, contact: c.contactPerson, street: c.street, houseNumber: c.houseNumber, postcode: c.postcode, city: c.city, country: c.country, vatNumber: c.vatNumber, hasAddress };
}

export const customerOption = (c: Pick<Customer, 'id' | 'name' | 'number' | 'city'>, selected?: number) => ({ id: c.id, name: c.name, number: c.number, city: c.city, selected: c.id === selected });

/** Live totals (net, VAT per rate, gross) of what is typed, computed exactly with calculate(); unparsable lines skipped. */
export function totalsView(lines: LineValues[], vatRates: VatRate[]) {
  const rates = new Map(vatRates.map((r) => [r.id, r]));
  const inputs: CalcLineInput[] = [];
  let skipped = 0;
  for (const l of lines) {
    const r = InvoiceLineForm.safeParse(l);
    const rate = r.success ? rates.get(r.data.vatRateId) : undefined;
    if (!r.success || !rate) {
      skipped++;
      continue;
    }
    inputs.push({ description: r.data.description, quantity: r.data.quantity, unitPrice: r.data.unitPrice, discountPercent: r.data.discountPercent, vatPercentage: rate.percentage, vatRateId: rate.id });
  }
  const t = calculate(inputs);
  return {
    net: t.net.toFixed(2),
    vat: t.vat.toFixed(2),
    gross: t.gross.toFixed(2),
    discount: t.lines.filter((l) => l.kind === 'discount').reduce((s, l) => s.plus(l.net), new Decimal(0)).toFixed(2),
    hasDiscount: t.lines.some((l) => l.kind === 'discount'),
    vatSummary: t.vatSummary.map((s) => ({ name: rates.get(Number(s.vatRateId))?.name ?? '', percentage: s.percentage.toString(), base: s.base.toFixed(2), vat: s.vat.toFixed(2) })),
    skipped,
  };
}

// ---------------------------------------------------------------- detail

export interface DetailInput {
  inv: Invoice;
  dims: ResolvedDimensions[];
  lineCostDimensions: boolean;
  pdf: InvoicePdf | null;
  exp: InvoiceExport | null;
  log: InvoiceExportLog[];
  credits: Pick<Invoice, 'id' | 'number' | 'status' | 'gross' | 'invoiceDate'>[];
  exactBaseUrl: string;
  canManage: boolean;
  extra: Record<string, unknown>;
}

export function detailModel({ inv, dims, lineCostDimensions, pdf, exp, log, credits, exactBaseUrl, canManage: manage, extra }: DetailInput) {
  const lineItems = inv.lines.getItems();
  const t = calculate(lineItems.map((l) => ({ description: l.description, quantity: l.quantity, unitPrice: l.unitPrice, discountPercent: l.discountPercent, vatPercentage: l.vatRate.percentage, vatRateId: l.vatRate.id })));
  const lines = t.lines.map((cl) => {
    const src = lineItems[cl.source];
    const d = dims[cl.source];
    return {
      kind: cl.kind,
      description: cl.kind === 'discount' ? cl.description : src.description,
      discountPercent: cl.kind === 'discount' ? new Decimal(src.discountPercent).toString() : undefined,
      quantity: cl.quantity.toString(),
      unitPrice: cl.unitPrice.toFixed(2),
      net: cl.net.toFixed(2),
      vatRate: src.vatRate.name,
      product: src.product ? { code: src.product.code, name: src.product.name } : undefined,
      glAccount: d.glAccount ? { number: d.glAccount.number, name: d.glAccount.name } : undefined,
      glSource: sourceKey(d.glSource),
      costCenter: d.costCenter ? { code: d.costCenter.code, description: d.costCenter.description } : undefined,
      costCenterSource: sourceKey(d.costCenterSource),
      costUnit: d.costUnit ? { code: d.costUnit.code, description: d.costUnit.description } : undefined,
      costUnitSource: sourceKey(d.costUnitSource),
    };
  });
  const base = exactBaseUrl.replace(/\/+$/, '');
  const rateNames = new Map(lineItems.map((l) => [String(l.vatRate.id), l.vatRate.name]));
  return {
    title: inv.kind === 'credit_note' ? 'invoices.creditTitle' : 'invoices.invoiceTitle',
    titleParams: { number: inv.number ?? '' },
    nav: 'invoices',
    invoice: {
      id: inv.id,
      number: inv.number,
      kind: inv.kind,
      isCredit: inv.kind === 'credit_note',
      status: inv.status,
      invoiceDate: inv.invoiceDate,
      dueDate: inv.dueDate,
      reference: inv.reference,
      language: inv.language,
      net: inv.net,
      vat: inv.vat,
      gross: inv.gross,
      paid: inv.paid,
      open: inv.open,
      finalizedAt: inv.finalizedAt,
      changedAfterExport: inv.changedAfterExport,
      location: { id: inv.location.id, name: inv.location.name, code: inv.location.code, division: inv.location.exactDivision },
      creditFor: inv.creditFor ? { id: inv.creditFor.id, number: inv.creditFor.number } : undefined,
    },
    customer: customerView(inv.customer),
    lines,
    showCostDimensions: lineCostDimensions || lines.some((l) => l.costCenter || l.costUnit),
    vatSummary: t.vatSummary.map((s) => ({ name: rateNames.get(String(s.vatRateId)) ?? '', base: s.base.toFixed(2), vat: s.vat.toFixed(2) })),
    pdf: pdf ? { sha256: pdf.sha256, size: pdf.size, createdAt: pdf.createdAt } : undefined,
    export: exp
      ? {
          state: exp.state,
          division: exp.division,
          journalCode: exp.journalCode,
          includePdf: exp.includePdf,
          exactEntryId: exp.exactEntryId,
          exactDocumentId: exp.exactDocumentId,
          exactAttachmentId: exp.exactAttachmentId,
          pendingStep: exp.pendingStep,
          pdfSha256: exp.pdfSha256,
          problems: exp.problems ?? [],
          lastError: exp.lastError,
          attempts: exp.attempts,
          exportedAt: exp.exportedAt,
          updatedAt: exp.updatedAt,
          pdfMatches: !exp.pdfSha256 || !pdf || exp.pdfSha256 === pdf.sha256,
          // links into Exact Online (the entry and the document of this division)
          entryUrl: exp.exactEntryId ? `${base}/docs/SalesEntryCard.aspx?_Division_=${exp.division}&EntryID=${encodeURIComponent(exp.exactEntryId)}` : undefined,
          documentUrl: exp.exactDocumentId ? `${base}/docs/DocView.aspx?_Division_=${exp.division}&DocumentID=${encodeURIComponent(exp.exactDocumentId)}` : undefined,
        }
      : undefined,
    // people read the steps in words: a preflight's problems translated, Exact's own message on an error, no IDs
    exportLog: log.map((l) => ({
      at: l.at, action: l.action, outcome: l.outcome,
      problems: l.action === 'preflight' && l.detail ? l.detail.split(', ') : [],
      detail: l.outcome === 'error' && l.action !== 'preflight' ? l.detail : undefined,
    })),
    credits: credits.map((x) => ({ id: x.id, number: x.number, status: x.status, gross: x.gross, invoiceDate: x.invoiceDate })),
    canManage: manage,
    canEdit: manage && isEditable(inv),
    canFinalize: manage && inv.status === 'draft',
    canDelete: manage && inv.status === 'draft',
    canCredit: manage && inv.kind === 'invoice' && inv.status !== 'draft',
    ...extra,
  };
}

// ---------------------------------------------------------------- confirmations

export function confirmFinalizeModel(inv: Invoice, nextNumber: string, check: { blocking: unknown[]; warnings: unknown[] }) {
  return {
    blocking: check.blocking,
    warnings: check.warnings,
    title: 'invoices.finalize.title',
    nav: 'invoices',
    action: `/invoices/${inv.id}/finalize`,
    button: 'invoices.finalize.button',
    body: inv.number ? 'invoices.finalize.bodyNumbered' : 'invoices.finalize.body',
    params: { number: inv.number ?? nextNumber, customer: inv.customer.name, location: inv.location.name },
    gross: inv.gross,
    id: inv.id,
    noAddress: !customerView(inv.customer).hasAddress,
  };
}

export function confirmDeleteModel(inv: Invoice) {
  return {
    title: 'invoices.delete.title',
    nav: 'invoices',
    action: `/invoices/${inv.id}/delete`,
    button: 'common.delete',
    danger: true,
    body: 'invoices.delete.body',
    params: { customer: inv.customer.name, location: inv.location.name },
    gross: inv.gross,
    id: inv.id,
  };
}

// ---------------------------------------------------------------- location invoicing settings

export const invoicingValues = (s: LocationInvoicing) => ({
  glAccountId: idOf(s.glAccount),
  costCenterId: idOf(s.costCenter),
  costUnitId: idOf(s.costUnit),
  exportMode: s.exportMode,
  includePdf: s.includePdf,
  paymentTermDays: s.paymentTermDays,
  nextNumber: s.nextNumber,
  iban: s.iban ?? '',
});

export function locationInvoicingModel(loc: Location, values: Record<string, unknown>, choices: Choices, errors?: FieldErrors) {
  return {
    title: 'invoices.locationSettings.title',
    titleParams: { name: loc.name },
    nav: 'settings',
    location: { id: loc.id, name: loc.name, code: loc.code },
    values,
    ...(errors ? { errors } : {}),
    choices,
  };
}
