import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { createHash } from 'node:crypto';
import { Decimal } from 'decimal.js';
import { Invoice, InvoiceLine, InvoicePdf, LocationInvoicing, Product, type InvoiceStatus } from './invoice.entity.js';
import { InvoiceForm, LocationInvoicingForm, linesFromBody, type InvoiceInput } from './invoice.form.js';
import { ProductsService } from '../products/products.service.js';
import { invoiceSummary, invoicingValues, locationInvoicingModel, type InvoiceSummary } from './invoices.view.js';
import { calculate } from './invoice-calc.js';
import { PdfRenderer } from './pdf/pdf-renderer.service.js';
import { invoicePdfModel } from './pdf/invoice-pdf.model.js';
import { Location } from '../locations/location.entity.js';
import { Customer } from '../customers/customer.entity.js';
import { GlAccount } from '../ledgers/gl-account.entity.js';
import { VatRate } from '../ledgers/vat.entity.js';
import { CostCenter, CostUnit } from '../ledgers/cost-center.entity.js';
import { ConflictError, NotFoundError, ValidationError, type FieldErrors } from '../../common/errors.js';
import { flushUnique } from '../../common/unique.js';
import { parseForm, toFieldErrors } from '../../common/validation.js';
import { Clock } from '../../common/clock.js';
import { paymentReference } from './invoice-calc.js';
import { statusAfterExport, statusAfterFinalize, statusForPayments } from './invoice-status.js';
import { InvoiceSenderService } from '../invoice-sender/invoice-sender.service.js';

export interface ResolvedDimensions {
  glAccount?: GlAccount | null;
  costCenter?: CostCenter | null;
  costUnit?: CostUnit | null;
  /** Where the GL account came from: line → product → product group → location. */
  glSource?: 'line' | 'product' | 'group' | 'location';
  costCenterSource?: 'line' | 'product' | 'group' | 'location';
  costUnitSource?: 'line' | 'product' | 'group' | 'location';
}

const addDays = (iso: string, days: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** Invoices and credit notes: drafts, totals, numbering, the stored PDF, credit notes. */
@Injectable()
export class InvoicesService {
  constructor(
    private readonly em: EntityManager,
    private readonly pdf: PdfRenderer,
    private readonly clock: Clock,
    private readonly products: ProductsService,
    private readonly senders: InvoiceSenderService,
  ) {}

  async get(id: number): Promise<Invoice> {
    const inv = await this.em.findOne(Invoice, { id }, { populate: ['lines', 'lines.vatRate', 'lines.product', 'lines.glAccount', 'lines.costCenter', 'lines.costUnit', 'customer', 'location', 'creditFor'] });
    if (!inv) throw new NotFoundError('Invoice');
    return inv;
  }

  /** The amounts and status of an invoice, without its lines (NotFoundError when it does not exist). */
  async summary(id: number): Promise<InvoiceSummary> {
    const inv = await this.em.fork().findOne(Invoice, { id }, { fields: ['id', 'number', 'kind', 'gross', 'paid', 'open', 'status'] });
    if (!inv) throw new NotFoundError('Invoice not found');
    return invoiceSummary(inv);
  }

  async settings(locationId: number): Promise<LocationInvoicing> {
    return (await this.em.findOne(LocationInvoicing, { locationId })) ?? this.em.create(LocationInvoicing, { locationId });
  }

  // ---------------------------------------------------------------- location invoicing settings

  async location(id: number): Promise<Location> {
    const loc = await this.em.findOne(Location, { id });
    if (!loc) throw new NotFoundError('Location');
    return loc;
  }

  /** The location's invoicing form: its stored settings, or (after a refused save) what was typed with the errors. */
  async locationInvoicingPage(locationId: number, typed?: { values: Record<string, unknown>; errors: FieldErrors }) {
    const loc = await this.location(locationId);
    const values = typed?.values ?? invoicingValues(
      (await this.em.findOne(LocationInvoicing, { locationId }, { populate: ['glAccount', 'costCenter', 'costUnit'] })) ??
        this.em.create(LocationInvoicing, { locationId }, { persist: false }),
    );
    return locationInvoicingModel(loc, values, await this.products.choices(), typed?.errors);
  }

  /** Saves the location's invoicing settings; returns the location (ValidationError with field errors). */
  async saveLocationInvoicing(locationId: number, body: unknown): Promise<Location> {
    const loc = await this.location(locationId);
    const v = parseForm(LocationInvoicingForm, body);
    await this.products.checkRefs(v);
    const s = (await this.em.findOne(LocationInvoicing, { locationId })) ?? this.em.create(LocationInvoicing, { locationId });
    s.glAccount = v.glAccountId ? this.em.getReference(GlAccount, v.glAccountId) : null;
    s.costCenter = v.costCenterId ? this.em.getReference(CostCenter, v.costCenterId) : null;
    s.costUnit = v.costUnitId ? this.em.getReference(CostUnit, v.costUnitId) : null;
    s.exportMode = v.exportMode;
    s.includePdf = v.includePdf;
    s.paymentTermDays = v.paymentTermDays;
    s.nextNumber = v.nextNumber;
    s.iban = v.iban ?? null;
    await this.em.flush();
    return loc;
  }

  /** Parses and checks a form body: lines, references that must exist, number unique per location. */
  async parse(body: Record<string, unknown>, exceptId?: number): Promise<InvoiceInput> {
    const parsed = InvoiceForm.safeParse({ ...body, lines: linesFromBody(body) });
    const errors: FieldErrors = parsed.success ? {} : toFieldErrors(parsed.error);
    if (parsed.success) {
      const v = parsed.data;
      if (!(await this.em.count(Location, { id: v.locationId }))) errors.locationId = ['validation.required'];
      if (!(await this.em.count(Customer, { id: v.customerId }))) errors.customerId = ['validation.required'];
      if (v.dueDate && v.dueDate < v.invoiceDate) errors.dueDate = ['invoices.validation.dueBeforeDate'];
      if (v.number && (await this.em.count(Invoice, { location: v.locationId, number: v.number, ...(exceptId ? { id: { $ne: exceptId } } : {}) }))) errors.number = ['validation.taken'];
      const rateIds = [...new Set(v.lines.map((l) => l.vatRateId))];
      if ((await this.em.count(VatRate, { id: { $in: rateIds } })) !== rateIds.length) errors.lines = ['invoices.validation.vatRate'];
    }
    if (!parsed.success || Object.keys(errors).length) throw new ValidationError(errors);
    return parsed.data;
  }

  async create(body: Record<string, unknown>): Promise<Invoice> {
    const input = await this.parse(body);
    const settings = await this.settings(input.locationId);
    const inv = this.em.create(Invoice, {
      location: this.em.getReference(Location, input.locationId),
      customer: this.em.getReference(Customer, input.customerId),
      number: input.number ?? null,
      invoiceDate: input.invoiceDate,
      dueDate: input.dueDate ?? addDays(input.invoiceDate, settings.paymentTermDays),
      reference: input.reference ?? null,
      language: input.language,
    });
    await this.setLines(inv, input);
    await this.flush();
    return inv;
  }

  /**
   * Only drafts can be changed. A final invoice is locked — customer, location, amounts and its stored PDF stay as
   * they were sent; a correction is a credit note (issue 12, item 5).
   */
  async update(id: number, body: Record<string, unknown>): Promise<Invoice> {
    const inv = await this.get(id);
    if (inv.status !== 'draft') throw new ConflictError('Final invoices are locked', 'invoices.errors.locked');
    const input = await this.parse(body, id);
    this.em.assign(inv, {
      location: this.em.getReference(Location, input.locationId),
      customer: this.em.getReference(Customer, input.customerId),
      number: input.number ?? inv.number ?? null,
      invoiceDate: input.invoiceDate,
      dueDate: input.dueDate ?? inv.dueDate,
      reference: input.reference ?? null,
      language: input.language,
    });
    inv.lines.removeAll();
    await this.setLines(inv, input);
    await this.flush();
    return inv;
  }

  private async setLines(inv: Invoice, input: InvoiceInput): Promise<void> {
    input.lines.forEach((l, i) => {
      inv.lines.add(
        this.em.create(InvoiceLine, {
          invoice: inv,
          position: i + 1,
          description: l.description,
          quantity: l.quantity,
          unitPrice: l.unitPrice,
          discountPercent: l.discountPercent,
          vatRate: this.em.getReference(VatRate, l.vatRateId),
          product: l.productId ? this.em.getReference(Product, l.productId) : null,
          glAccount: l.glAccountId ? this.em.getReference(GlAccount, l.glAccountId) : null,
          costCenter: l.costCenterId ? this.em.getReference(CostCenter, l.costCenterId) : null,
          costUnit: l.costUnitId ? this.em.getReference(CostUnit, l.costUnitId) : null,
        }),
      );
    });
    await this.em.populate(inv, ['lines.vatRate']);
    this.applyTotals(inv);
  }

  private applyTotals(inv: Invoice): void {
    const t = calculate(inv.lines.getItems().map((l) => ({ description: l.description, quantity: l.quantity, unitPrice: l.unitPrice, discountPercent: l.discountPercent, vatPercentage: l.vatRate.percentage, vatRateId: l.vatRate.id })));
    inv.net = t.net.toFixed(2);
    inv.vat = t.vat.toFixed(2);
    inv.gross = t.gross.toFixed(2);
    inv.open = new Decimal(inv.gross).minus(inv.paid).toFixed(2);
  }

  /**
   * GL account, cost centre and cost unit of a line: the line's own, else the product's, else the
   * product group's, else the location's default (the Eduframe fallback), each dimension on its own.
   */
  async resolveDimensions(line: InvoiceLine, locationId: number): Promise<ResolvedDimensions> {
    const product = line.product ? await this.em.findOne(Product, { id: line.product.id }, { populate: ['group', 'glAccount', 'costCenter', 'costUnit', 'group.glAccount', 'group.costCenter', 'group.costUnit'] }) : null;
    const loc = await this.em.findOne(LocationInvoicing, { locationId }, { populate: ['glAccount', 'costCenter', 'costUnit'] });
    const chain = [
      ['line', line],
      ['product', product],
      ['group', product?.group],
      ['location', loc],
    ] as const;
    const pick = <K extends 'glAccount' | 'costCenter' | 'costUnit'>(key: K) => {
      for (const [source, holder] of chain) {
        const v = holder?.[key as never] as unknown;
        if (v) return { value: v, source };
      }
      return undefined;
    };
    const gl = pick('glAccount');
    if (gl?.value) await this.em.populate(gl.value as GlAccount, []);
    const cc = pick('costCenter');
    const cu = pick('costUnit');
    return {
      glAccount: (gl?.value as GlAccount | undefined) ?? null,
      glSource: gl?.source,
      costCenter: (cc?.value as CostCenter | undefined) ?? null,
      costCenterSource: cc?.source,
      costUnit: (cu?.value as CostUnit | undefined) ?? null,
      costUnitSource: cu?.source,
    };
  }

  /** Makes the invoice final: gives it a number (if it has none), computes totals and stores the PDF. */
  async finalize(id: number): Promise<Invoice> {
    const inv = await this.get(id);
    const status = statusAfterFinalize(inv.status);
    if (!inv.lines.length) throw new ValidationError({ lines: ['invoices.validation.noLines'] });
    if (!inv.number) inv.number = await this.nextNumber(inv.location.id);
    inv.status = status;
    inv.finalizedAt = this.clock.now();
    this.applyTotals(inv);
    await this.storePdf(inv);
    await this.flush();
    return inv;
  }

  /** The next free number of the location (atomic across processes; skips numbers typed by hand). */
  private async nextNumber(locationId: number): Promise<string> {
    const conn = this.em.getConnection();
    await conn.execute(`insert into location_invoicing (location_id) values (?) on conflict do nothing`, [locationId]);
    for (;;) {
      const [row] = await conn.execute<{ n: string }[]>(`update location_invoicing set next_number = next_number + 1 where location_id = ? returning next_number - 1 as n`, [locationId]);
      const taken = await this.em.count(Invoice, { location: locationId, number: row.n });
      if (!taken) return row.n;
    }
  }

  async storePdf(inv: Invoice): Promise<string> {
    const { model } = await this.pdfModel(inv);
    const bytes = await this.pdf.render('invoice', model, inv.language, { left: `${inv.location.name} · ${inv.number ?? ''}` });
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const existing = await this.em.findOne(InvoicePdf, { invoiceId: inv.id });
    if (existing) this.em.assign(existing, { bytes, sha256, size: bytes.length, createdAt: this.clock.now() });
    else this.em.create(InvoicePdf, { invoiceId: inv.id, bytes, sha256, size: bytes.length, createdAt: this.clock.now() });
    return sha256;
  }

  async pdfModel(inv: Invoice) {
    await this.em.populate(inv, ['lines.vatRate', 'customer', 'location', 'creditFor']);
    const settings = await this.em.findOne(LocationInvoicing, { locationId: inv.location.id });
    const c = inv.customer;
    const l = inv.location;
    const kinds = new Map(inv.lines.getItems().map((x) => [x.vatRate.id, { vatRateId: x.vatRate.id, name: x.vatRate.name, reverseCharge: x.vatRate.reverseCharge }]));
    return invoicePdfModel({
      lang: inv.language,
      location: { name: l.name, street: l.street, houseNumber: l.houseNumber, postcode: l.postcode, city: l.city, country: l.country, vatNumber: l.vatNumber, iban: settings?.iban },
      sender: await this.senders.resolve(l),
      vatKinds: [...kinds.values()],
      customer: { name: c.name, number: c.number, contact: c.contactPerson, street: c.street, houseNumber: c.houseNumber, postcode: c.postcode, city: c.city, country: c.country, vatNumber: c.vatNumber },
      number: inv.number ?? '—',
      invoiceDate: new Date(`${inv.invoiceDate}T00:00:00Z`),
      dueDate: new Date(`${inv.dueDate}T00:00:00Z`),
      reference: inv.reference,
      paymentReference: paymentReference(l.code, inv.number ?? ''),
      isCredit: inv.kind === 'credit_note',
      creditFor: inv.creditFor?.number ?? null,
      lines: inv.lines.getItems().map((x) => ({ description: x.description, quantity: x.quantity, unitPrice: x.unitPrice, discountPercent: x.discountPercent, vatPercentage: x.vatRate.percentage, vatRateId: x.vatRate.id })),
    });
  }

  /** The stored PDF (made when the invoice became final); drafts get a fresh preview. */
  async pdfBytes(id: number): Promise<{ bytes: Buffer; sha256?: string; filename: string }> {
    const inv = await this.get(id);
    const stored = await this.em.findOne(InvoicePdf, { invoiceId: id }, { populate: ['bytes'] });
    const name = `${inv.kind === 'credit_note' ? 'creditnota' : 'factuur'}-${inv.location.code}-${inv.number ?? `concept-${inv.id}`}.pdf`;
    if (stored && inv.status !== 'draft') return { bytes: Buffer.from(stored.bytes), sha256: stored.sha256, filename: name };
    const { model } = await this.pdfModel(inv);
    return { bytes: await this.pdf.render('invoice', model, inv.language, { left: inv.location.name }), filename: name };
  }

  /** A credit note for an invoice: the same lines negated, referring to it; a draft to check and make final. */
  async createCreditNote(id: number): Promise<Invoice> {
    const original = await this.get(id);
    if (original.kind === 'credit_note') throw new ConflictError('A credit note cannot be credited', 'invoices.errors.creditOfCredit');
    if (original.status === 'draft') throw new ConflictError('Only final invoices can be credited', 'invoices.errors.creditOfDraft');
    const today = this.clock.today();
    const credit = this.em.create(Invoice, {
      location: original.location,
      customer: original.customer,
      kind: 'credit_note',
      creditFor: original,
      invoiceDate: today,
      dueDate: today,
      reference: original.reference,
      language: original.language,
    });
    original.lines.getItems().forEach((l, i) =>
      credit.lines.add(
        this.em.create(InvoiceLine, {
          invoice: credit,
          position: i + 1,
          description: l.description,
          quantity: new Decimal(l.quantity).negated().toString(),
          unitPrice: l.unitPrice,
          discountPercent: l.discountPercent,
          vatRate: l.vatRate,
          product: l.product,
          glAccount: l.glAccount,
          costCenter: l.costCenter,
          costUnit: l.costUnit,
        }),
      ),
    );
    this.applyTotals(credit);
    await this.flush();
    return credit;
  }

  /**
   * The export put the invoice's entry in Exact: final → exported (a corrected invoice sent again keeps its status) and
   * no longer "changed after export". On the caller's entity, in the caller's unit of work (the export's own flush).
   */
  markExported(inv: Invoice): void {
    inv.status = statusAfterExport(inv.status);
    inv.changedAfterExport = false;
  }

  /**
   * Payments changed: paid = what `paidOf` sums (read under the invoice's row lock, in one transaction, so two
   * recomputations of one invoice never cross), open = gross − paid, status from the transition table (partly paid,
   * paid, back to exported; drafts untouched). Writes only paid, open and status — no clash with the export's unit of
   * work. Returns true when something changed.
   */
  async applyPayments(em: EntityManager, invoiceId: number, paidOf: (tx: EntityManager) => Promise<Decimal.Value>): Promise<boolean> {
    return em.transactional(async (tx) => {
      const [row] = await tx.execute<{ status: InvoiceStatus; gross: string; paid: string; open: string }[]>(
        'select status, gross::text as gross, paid::text as paid, open::text as open from invoice where id = ? for update',
        [invoiceId],
      );
      if (!row) return false;
      const paid = new Decimal(await paidOf(tx));
      const open = new Decimal(row.gross).minus(paid);
      const status = statusForPayments(row.status, row.gross, paid);
      if (paid.eq(row.paid) && open.eq(row.open) && status === row.status) return false;
      await tx.execute('update invoice set paid = ?, open = ?, status = ?, updated_at = now() where id = ?', [paid.toFixed(2), open.toFixed(2), status, invoiceId]);
      return true;
    });
  }

  async remove(id: number): Promise<void> {
    const inv = await this.get(id);
    if (inv.status !== 'draft') throw new ConflictError('Only drafts can be deleted', 'invoices.errors.deleteFinal');
    this.em.remove(inv);
    await this.flush();
  }

  private flush(): Promise<void> {
    // a number taken at the same moment by another user ends as a field error, not a 500
    return flushUnique(this.em, 'number');
  }
}
