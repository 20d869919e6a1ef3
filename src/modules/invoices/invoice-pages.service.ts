import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { Decimal } from 'decimal.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { Clock } from '../../common/clock.js';
import { FormOnceService } from '../../common/form-once.js';
import { isIsoDate, toInt } from '../../common/validation.js';
import type { FieldErrors } from '../../common/errors.js';
import type { CurrentUser } from '../auth/current-user.js';
import { Customer } from '../customers/customer.entity.js';
import { VatRate } from '../ledgers/vat.entity.js';
import { ProductsService, type Choices } from '../products/products.service.js';
import { productHint } from '../products/products.view.js';
import { Invoice, InvoicePdf, LocationInvoicing, Product } from './invoice.entity.js';
import { InvoiceExport, InvoiceExportLog } from '../accounting-export/accounting-export.entity.js';
import { typedLine, type LineValues } from './invoice.form.js';
import { InvoiceListService, parseInvoiceListQuery } from './invoice-list.service.js';
import { InvoicesService, type ResolvedDimensions } from './invoices.service.js';
import { FinalizeService } from './finalize.service.js';
import { InvoicePageRegistry } from './invoices.types.js';
import {
  confirmDeleteModel, confirmFinalizeModel, customerOption, customerView, detailModel, editExtra, editValues, emptyLine, isEditable, listModel, totalsView,
} from './invoices.view.js';

const CUSTOMER_OPTIONS = 200;
const addDays = (iso: string, days: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const canManage = (user?: CurrentUser) => user?.role === 'admin' || user?.role === 'accountant';

/**
 * The reads behind the invoice screens: list, form (with its htmx helpers), detail page and confirmations, each
 * returned as a view model (invoices.view.ts) — the controller only parses and renders.
 */
@Injectable()
export class InvoicePagesService {
  constructor(
    private readonly em: EntityManager,
    private readonly invoices: InvoicesService,
    private readonly list: InvoiceListService,
    private readonly products: ProductsService,
    private readonly finalizer: FinalizeService,
    private readonly registry: InvoicePageRegistry,
    private readonly forms: FormOnceService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private today(): string {
    return this.clock.now().toISOString().slice(0, 10);
  }

  async listPage(raw: Record<string, unknown>, user: CurrentUser | undefined) {
    const query = parseInvoiceListQuery(raw);
    const [page, choices, extra] = await Promise.all([this.list.list(query, this.today()), this.products.choices(), this.registry.listValues(user)]);
    return listModel(query, page, choices.locations, canManage(user), extra);
  }

  // ---------------------------------------------------------------- form

  /** A new invoice: the chosen (or first) location, today, one empty line. */
  async newForm(raw: Record<string, unknown>) {
    const choices = await this.products.choices();
    const locationId = toInt(raw.location) ?? choices.locations[0]?.id;
    const values: Record<string, unknown> = { locationId, customerId: toInt(raw.customer), invoiceDate: this.today(), language: 'nl' };
    return this.formModel(values, [emptyLine(0, choices)], choices, { title: 'invoices.new', action: '/invoices', isNew: true, formToken: this.forms.token() });
  }

  /** The new-invoice form again with what was typed and the errors (422). */
  async newFormRefused(body: Record<string, unknown>, lines: LineValues[], errors: FieldErrors) {
    return this.formModel(body, lines, await this.products.choices(), { title: 'invoices.new', action: '/invoices', isNew: true, errors, formToken: this.forms.token(body._form) });
  }

  /** The edit form of a draft; undefined when the invoice is locked (final). */
  async editForm(id: number) {
    const inv = await this.invoices.get(id);
    if (!isEditable(inv)) return undefined;
    const { values, lines } = editValues(inv);
    return this.formModel(values, lines, await this.products.choices(), editExtra(inv));
  }

  /** The edit form again with what was typed and the errors (422); the invoice read afresh. */
  async editFormRefused(id: number, body: Record<string, unknown>, lines: LineValues[], errors: FieldErrors) {
    this.em.clear();
    const inv = await this.invoices.get(id);
    return this.formModel(body, lines, await this.products.choices(), { ...editExtra(inv), errors });
  }

  private async formModel(values: Record<string, unknown>, lines: LineValues[], choices: Choices, extra: Record<string, unknown>) {
    const customerId = toInt(values.customerId);
    const [customers, customerInfo, dueHint, totals] = await Promise.all([
      this.customerOptions(undefined, customerId),
      this.customerInfo(customerId),
      this.dueHint(toInt(values.locationId), values.invoiceDate),
      this.totals(lines),
    ]);
    return {
      nav: 'invoices',
      values,
      lines: lines.length ? lines : [emptyLine(0, choices)],
      nextIndex: Math.max(0, ...lines.map((l) => l.index)) + 1,
      choices,
      customers,
      customerInfo,
      dueHint,
      totals,
      ...extra,
    };
  }

  /** "Add line": a new, empty row and the index of the next one. */
  async newLine(index: number) {
    const choices = await this.products.choices();
    return { line: emptyLine(index, choices), choices, nextIndex: index + 1 };
  }

  /** A product was chosen on a line: the row again, with the product's description, price and VAT rate. */
  async productLine(body: Record<string, unknown>) {
    const line = typedLine(body);
    const productId = toInt(line.productId);
    const product = productId ? await this.em.findOne(Product, { id: productId }, { populate: ['vatRate'] }) : null;
    if (product) {
      line.description = product.name;
      if (product.unitPrice != null) line.unitPrice = new Decimal(product.unitPrice).toString();
      if (product.vatRate) line.vatRateId = String(product.vatRate.id);
      if (!line.quantity) line.quantity = '1';
    }
    const choices = await this.products.choices();
    return { line, choices, productHint: product ? productHint(await this.products.product(product.id)) : undefined };
  }

  /** Live totals of the typed lines. */
  async totals(lines: LineValues[]) {
    return totalsView(lines, await this.em.fork().find(VatRate, {}));
  }

  /** Customer options for the select (first 200 by name, or those matching the search, plus the chosen one). */
  async customerOptions(q: string | undefined, selected?: number) {
    const em = this.em.fork();
    const where = q ? { status: 'active' as const, $or: [{ name: { $ilike: `%${q}%` } }, { number: { $ilike: `${q}%` } }] } : { status: 'active' as const };
    const list = await em.find(Customer, where, { orderBy: { name: 'asc', id: 'asc' }, limit: CUSTOMER_OPTIONS, fields: ['id', 'name', 'number', 'city'] });
    if (selected && !list.some((c) => c.id === selected)) {
      const chosen = await em.findOne(Customer, { id: selected }, { fields: ['id', 'name', 'number', 'city'] });
      if (chosen) list.unshift(chosen);
    }
    return list.map((c) => customerOption(c, selected));
  }

  /** The chosen customer's address block (undefined when none is chosen or it does not exist). */
  async customerInfo(customerId: number | undefined) {
    const c = customerId ? await this.em.fork().findOne(Customer, { id: customerId }) : null;
    return c ? customerView(c) : undefined;
  }

  /** "Empty = invoice date + N days": the due date the location's payment term gives. */
  async dueHint(locationId: number | undefined, invoiceDate: unknown) {
    const days = locationId ? ((await this.em.fork().findOne(LocationInvoicing, { locationId }))?.paymentTermDays ?? 30) : 30;
    return { days, date: isIsoDate(invoiceDate) ? addDays(invoiceDate, days) : undefined };
  }

  // ---------------------------------------------------------------- detail and confirmations

  async detail(id: number, user: CurrentUser | undefined) {
    const inv = await this.invoices.get(id);
    const dims: ResolvedDimensions[] = [];
    for (const l of inv.lines.getItems()) dims.push(await this.invoices.resolveDimensions(l, inv.location.id));
    const [choices, pdf, exp, log, credits, extra] = await Promise.all([
      this.products.choices(),
      this.em.fork().findOne(InvoicePdf, { invoiceId: id }),
      this.em.fork().findOne(InvoiceExport, { invoice: id }),
      this.em.fork().find(InvoiceExportLog, { invoice: id }, { orderBy: { at: 'desc', id: 'desc' }, limit: 100 }),
      this.em.fork().find(Invoice, { creditFor: id }, { orderBy: { id: 'asc' }, fields: ['id', 'number', 'status', 'gross', 'invoiceDate'] }),
      this.registry.detailValues(id, user),
    ]);
    return detailModel({ inv, dims, lineCostDimensions: choices.lineCostDimensions, pdf, exp, log, credits, exactBaseUrl: this.config.exact.baseUrl, canManage: canManage(user), extra });
  }

  /** "Make final" confirmation of a draft (the preflight's problems); undefined when it is no draft any more. */
  async confirmFinalize(id: number) {
    const inv = await this.invoices.get(id);
    if (inv.status !== 'draft') return undefined;
    const settings = await this.invoices.settings(inv.location.id);
    return confirmFinalizeModel(inv, settings.nextNumber, await this.finalizer.check(id));
  }

  /** Delete confirmation of a draft; undefined when it is no draft any more. */
  async confirmDelete(id: number) {
    const inv = await this.invoices.get(id);
    return inv.status === 'draft' ? confirmDeleteModel(inv) : undefined;
  }
}
