import { Body, Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { EntityManager } from '@mikro-orm/postgresql';
import { Decimal } from 'decimal.js';
import { Roles } from '../auth/guards.js';
import { render } from '../../common/views.js';
import { flash } from '../../common/flash.js';
import { ConflictError, ValidationError, type FieldErrors } from '../../common/errors.js';
import { isIsoDate, toFieldErrors, toInt } from '../../common/validation.js';
import { Clock } from '../../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { FormOnceService } from '../../common/form-once.js';
import { FinalizeBlockedError, FinalizeService } from './finalize.service.js';
import { InvoicesService, type ResolvedDimensions } from './invoices.service.js';
import { InvoiceListService, INVOICE_KINDS, INVOICE_SORTS, parseInvoiceListQuery, COUNT_CAP, type InvoiceSort } from './invoice-list.service.js';
import { ProductsService, type Choices } from './products.service.js';
import { InvoiceLineForm, linesFromBody } from './invoice.form.js';
import { calculate, type CalcLineInput } from './invoice-calc.js';
import { INVOICE_STATUSES, Invoice, InvoiceExport, InvoiceExportLog, InvoicePdf, LocationInvoicing, Product, type InvoiceStatus } from './invoice.entity.js';
import { Customer } from '../customers/customer.entity.js';
import { VatRate } from '../ledgers/vat.entity.js';
import { IdPipe } from '../../common/id.pipe.js';

const LINE_FIELDS = ['description', 'quantity', 'unitPrice', 'discountPercent', 'vatRateId', 'productId', 'glAccountId', 'costCenterId', 'costUnitId'] as const;
type LineValues = Partial<Record<(typeof LINE_FIELDS)[number], string>> & { index: number; errors?: FieldErrors };
/** Final invoices are locked (customer, location, amounts, PDF): a correction is a credit note. */
const EDITABLE: readonly InvoiceStatus[] = ['draft'];
const CUSTOMER_OPTIONS = 200;

const num = (v: unknown) => toInt(v);
const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));
const addDays = (iso: string, days: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const isIso = isIsoDate;
/** A line row nobody typed in (the VAT select alone does not make a line). */
const isBlankLine = (r: Record<string, unknown>) => ['description', 'quantity', 'unitPrice', 'productId'].every((k) => str(r[k]).trim() === '');

/** The form's lines as typed, in order; blank rows dropped and renumbered 0..n-1. */
function typedLines(body: Record<string, unknown>): LineValues[] {
  return linesFromBody(body)
    .filter((r) => !isBlankLine(r))
    .map((r, index) => {
      const line: LineValues = { index };
      for (const f of LINE_FIELDS) line[f] = str(r[f]);
      return line;
    });
}

/** The body with blank line rows removed and the rest renumbered, as InvoicesService.parse expects it. */
function cleanBody(body: Record<string, unknown>, lines: LineValues[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) if (!k.startsWith('lines[')) out[k] = v;
  for (const l of lines) for (const f of LINE_FIELDS) out[`lines[${l.index}][${f}]`] = l[f] ?? '';
  return out;
}

/** Field errors per line (the service reports lines as a whole). */
function lineErrors(lines: LineValues[]): void {
  for (const l of lines) {
    const r = InvoiceLineForm.safeParse(l);
    if (!r.success) l.errors = toFieldErrors(r.error);
  }
}

/**
 * The row a product was chosen on: `lineIndex` (hx-vals of the row's product select); without it (an older page), the only
 * row in the body. Never "the first row of the body": htmx posts the whole form, so that would be line 1 for every row.
 */
export function lineIndexOf(body: Record<string, unknown>): number {
  const given = str(body.lineIndex).trim();
  if (/^\d{1,4}$/.test(given)) return Number(given);
  const rows = new Set(Object.keys(body).map((k) => /^lines\[(\d+)\]\[/.exec(k)?.[1]).filter((x): x is string => !!x));
  if (rows.size === 1) return Number([...rows][0]);
  throw new ValidationError({ lineIndex: ['validation.invalid'] });
}

/** A column sorted for the first time: newest/highest first for dates, numbers and totals. */
const DEFAULT_DIR: Record<InvoiceSort, 'asc' | 'desc'> = { date: 'desc', number: 'desc', total: 'desc', customer: 'asc', status: 'asc' };
const listHref = (params: Record<string, unknown>) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `/invoices?${s}` : '/invoices';
};

const sourceKey = (s?: string) => (s ? `invoices.source.${s}` : 'invoices.source.none');

/** Invoices and credit notes: list, new/edit with live totals, detail with dimensions, PDF and export state. */
@Controller('invoices')
@Roles('admin', 'accountant')
export class InvoicesController {
  constructor(
    private readonly invoices: InvoicesService,
    private readonly list: InvoiceListService,
    private readonly products: ProductsService,
    private readonly em: EntityManager,
    private readonly clock: Clock,
    private readonly forms: FormOnceService,
    private readonly finalizer: FinalizeService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private today(): string {
    return this.clock.now().toISOString().slice(0, 10);
  }

  private canManage(req: Request): boolean {
    return req.user?.role === 'admin' || req.user?.role === 'accountant';
  }

  // ---------------------------------------------------------------- list

  @Get()
  async index(@Req() req: Request, @Res() res: Response, @Query() raw: Record<string, unknown>) {
    const query = parseInvoiceListQuery(raw);
    const page = await this.list.list(query, this.today());
    const choices = await this.products.choices();
    const filtered = !!(query.locationId || query.status || query.kind || query.from || query.to || query.q);
    // the parameters every link of the list keeps (filters, sort, size) — cursors and page are per link
    const keep = { location: query.locationId, status: query.status, kind: query.kind, from: query.from, to: query.to, q: query.q, sort: query.sort, dir: query.dir, size: query.pageSize };
    render(
      req,
      res,
      'invoices/list',
      {
        title: 'invoices.title',
        nav: 'invoices',
        tab: 'invoices',
        page,
        query,
        keep,
        filtered,
        capLabel: COUNT_CAP,
        locations: choices.locations,
        statuses: INVOICE_STATUSES,
        kinds: INVOICE_KINDS,
        canManage: this.canManage(req),
        sortUrls: Object.fromEntries(INVOICE_SORTS.map((s) => [s, listHref({ ...keep, sort: s, dir: query.sort === s ? (query.dir === 'asc' ? 'desc' : 'asc') : DEFAULT_DIR[s] })])),
      },
      { fragment: 'invoices/table' },
    );
  }

  // ---------------------------------------------------------------- new / edit

  @Get('new')
  @Roles('admin', 'accountant')
  async newForm(@Req() req: Request, @Res() res: Response, @Query() raw: Record<string, unknown>) {
    const choices = await this.products.choices();
    const locationId = num(raw.location) ?? choices.locations[0]?.id;
    const values: Record<string, unknown> = { locationId, customerId: num(raw.customer), invoiceDate: this.today(), language: 'nl' };
    const lines: LineValues[] = [{ index: 0, quantity: '1', discountPercent: '0', vatRateId: str(choices.vatRates[0]?.id) }];
    render(req, res, 'invoices/form', await this.formModel(values, lines, choices, { title: 'invoices.new', action: '/invoices', isNew: true, formToken: this.forms.token() }));
  }

  @Post()
  @Roles('admin', 'accountant')
  async create(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>) {
    const lines = typedLines(body);
    // the same form sent twice (double-click, Back + Save) makes one invoice: the second POST goes to it
    const claim = await this.forms.claim(body._form, 'invoice');
    if (!claim.first) {
      flash(req, 'info', claim.target ? 'forms.alreadySaved' : 'forms.beingSaved');
      return res.redirect(303, claim.target ?? '/invoices');
    }
    try {
      const inv = await this.invoices.create(cleanBody(body, lines));
      await this.forms.done(claim, `/invoices/${inv.id}`);
      flash(req, 'success', 'invoices.created');
      res.redirect(303, `/invoices/${inv.id}`);
    } catch (e) {
      await this.forms.release(claim);
      if (!(e instanceof ValidationError)) throw e;
      lineErrors(lines);
      const choices = await this.products.choices();
      render(req, res, 'invoices/form', await this.formModel(body, lines, choices, { title: 'invoices.new', action: '/invoices', isNew: true, errors: e.fieldErrors, formToken: this.forms.token(body._form) }), { status: 422 });
    }
  }

  @Get(':id/edit')
  @Roles('admin', 'accountant')
  async editForm(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number) {
    const inv = await this.invoices.get(id);
    if (!EDITABLE.includes(inv.status)) {
      flash(req, 'info', 'invoices.errors.locked');
      return res.redirect(303, `/invoices/${id}`);
    }
    const choices = await this.products.choices();
    const values = {
      locationId: inv.location.id,
      customerId: inv.customer.id,
      number: inv.number ?? '',
      invoiceDate: inv.invoiceDate,
      dueDate: inv.dueDate,
      reference: inv.reference ?? '',
      language: inv.language,
    };
    const lines: LineValues[] = inv.lines.getItems().map((l, index) => ({
      index,
      description: l.description,
      quantity: new Decimal(l.quantity).toString(),
      unitPrice: new Decimal(l.unitPrice).toString(),
      discountPercent: new Decimal(l.discountPercent).toString(),
      vatRateId: str(l.vatRate.id),
      productId: str(l.product?.id ?? ''),
      glAccountId: str(l.glAccount?.id ?? ''),
      costCenterId: str(l.costCenter?.id ?? ''),
      costUnitId: str(l.costUnit?.id ?? ''),
    }));
    render(req, res, 'invoices/form', await this.formModel(values, lines, choices, this.editExtra(inv)));
  }

  private editExtra(inv: Invoice) {
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

  @Post(':id')
  @Roles('admin', 'accountant')
  async update(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number, @Body() body: Record<string, unknown>) {
    const lines = typedLines(body);
    try {
      const inv = await this.invoices.update(id, cleanBody(body, lines));
      flash(req, 'success', inv.changedAfterExport ? 'invoices.updatedAfterExport' : 'invoices.updated');
      res.redirect(303, `/invoices/${id}`);
    } catch (e) {
      if (e instanceof ConflictError && e.userMessageKey === 'invoices.errors.locked') {
        flash(req, 'error', 'invoices.errors.locked');
        return res.redirect(303, `/invoices/${id}`);
      }
      if (!(e instanceof ValidationError)) throw e;
      lineErrors(lines);
      this.em.clear();
      const inv = await this.invoices.get(id);
      const choices = await this.products.choices();
      render(req, res, 'invoices/form', await this.formModel(body, lines, choices, { ...this.editExtra(inv), errors: e.fieldErrors }), { status: 422 });
    }
  }

  private async formModel(values: Record<string, unknown>, lines: LineValues[], choices: Choices, extra: Record<string, unknown>) {
    const customerId = num(values.customerId);
    const locationId = num(values.locationId);
    const [customers, customer, dueHint] = await Promise.all([
      this.customerOptions(undefined, customerId),
      customerId ? this.em.fork().findOne(Customer, { id: customerId }) : Promise.resolve(null),
      this.dueHint(locationId, values.invoiceDate),
    ]);
    return {
      nav: 'invoices',
      values,
      lines: lines.length ? lines : [{ index: 0, quantity: '1', discountPercent: '0', vatRateId: str(choices.vatRates[0]?.id) }],
      nextIndex: Math.max(0, ...lines.map((l) => l.index)) + 1,
      choices,
      customers,
      customerInfo: customer ? this.customerView(customer) : undefined,
      dueHint,
      totals: await this.totalsView(lines),
      ...extra,
    };
  }

  // ---------------------------------------------------------------- htmx helpers of the form

  /** A new, empty line row ("Add line"), with the button for the next one (out of band). */
  @Get('form/line')
  @Roles('admin', 'accountant')
  async newLine(@Req() req: Request, @Res() res: Response, @Query('index') index: string) {
    const i = Math.min(Number.parseInt(index, 10) || 0, 9999);
    const choices = await this.products.choices();
    res.status(200).render('fragments/invoices/line-new', {
      layout: false,
      line: { index: i, quantity: '1', discountPercent: '0', vatRateId: str(choices.vatRates[0]?.id) },
      choices,
      nextIndex: i + 1,
    });
  }

  /** Removing a row: nothing to render (hx-swap="delete"). */
  @Get('form/line-removed')
  @Roles('admin', 'accountant')
  lineRemoved(@Res() res: Response) {
    res.status(200).send('');
  }

  /** A product was chosen on a line: the row again, with the product's description, price and VAT rate. */
  @Post('form/line')
  @Roles('admin', 'accountant')
  async productLine(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>) {
    // htmx sends the whole form with a POST (every row), so the changed row is named by its own index (hx-vals)
    const index = lineIndexOf(body);
    const line: LineValues = { index };
    for (const f of LINE_FIELDS) line[f] = str(body[`lines[${index}][${f}]`]);
    const productId = num(line.productId);
    const product = productId ? await this.em.findOne(Product, { id: productId }, { populate: ['vatRate'] }) : null;
    if (product) {
      line.description = product.name;
      if (product.unitPrice != null) line.unitPrice = new Decimal(product.unitPrice).toString();
      if (product.vatRate) line.vatRateId = str(product.vatRate.id);
      if (!line.quantity) line.quantity = '1';
    }
    const choices = await this.products.choices();
    res.status(200).render('fragments/invoices/line', { layout: false, line, choices, productHint: product ? await this.productHint(product.id) : undefined });
  }

  private async productHint(productId: number) {
    const p = await this.products.product(productId);
    const gl = p.glAccount ?? p.group?.glAccount;
    return gl ? { number: gl.number, name: gl.name, source: p.glAccount ? 'product' : 'group' } : undefined;
  }

  /** Live totals (net, VAT per rate, gross) of what is typed, computed exactly with calculate(). */
  @Post('form/preview')
  @Roles('admin', 'accountant')
  async preview(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>) {
    res.status(200).render('fragments/invoices/totals', { layout: false, totals: await this.totalsView(typedLines(body)) });
  }

  private async totalsView(lines: LineValues[]) {
    const rates = new Map((await this.em.fork().find(VatRate, {})).map((r) => [r.id, r]));
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

  /** Customer options for the select (first 200 by name, or those matching the search, plus the chosen one). */
  @Get('form/customers')
  @Roles('admin', 'accountant')
  async customerSearch(@Res() res: Response, @Query('customerQ') q = '', @Query('customerId') selected?: string) {
    const customers = await this.customerOptions(String(q).trim().slice(0, 100), num(selected));
    res.status(200).render('fragments/invoices/customer-options', { layout: false, customers, selected: num(selected) });
  }

  private async customerOptions(q: string | undefined, selected?: number) {
    const em = this.em.fork();
    const where = q ? { status: 'active' as const, $or: [{ name: { $ilike: `%${q}%` } }, { number: { $ilike: `${q}%` } }] } : { status: 'active' as const };
    const list = await em.find(Customer, where, { orderBy: { name: 'asc', id: 'asc' }, limit: CUSTOMER_OPTIONS, fields: ['id', 'name', 'number', 'city'] });
    if (selected && !list.some((c) => c.id === selected)) {
      const chosen = await em.findOne(Customer, { id: selected }, { fields: ['id', 'name', 'number', 'city'] });
      if (chosen) list.unshift(chosen);
    }
    return list.map((c) => ({ id: c.id, name: c.name, number: c.number, city: c.city, selected: c.id === selected }));
  }

  /** The chosen customer's address block — or the warning that a customer without address cannot be exported. */
  @Get('form/customer')
  @Roles('admin', 'accountant')
  async customerInfo(@Res() res: Response, @Query('customerId') customerId?: string) {
    const id = num(customerId);
    const c = id ? await this.em.findOne(Customer, { id }) : null;
    res.status(200).render('fragments/invoices/customer-info', { layout: false, customerInfo: c ? this.customerView(c) : undefined });
  }

  private customerView(c: Customer) {
    const hasAddress = !!(c.street && c.postcode && c.city);
    return { id: c.id, name: c.name, number: c.number, contact: c.contactPerson, street: c.street, houseNumber: c.houseNumber, postcode: c.postcode, city: c.city, country: c.country, vatNumber: c.vatNumber, hasAddress };
  }

  /** "Empty = invoice date + N days": the due date the location's payment term gives. */
  @Get('form/due')
  @Roles('admin', 'accountant')
  async due(@Res() res: Response, @Query('locationId') locationId?: string, @Query('invoiceDate') invoiceDate?: string) {
    res.status(200).render('fragments/invoices/due-hint', { layout: false, dueHint: await this.dueHint(num(locationId), invoiceDate) });
  }

  private async dueHint(locationId: number | undefined, invoiceDate: unknown) {
    const days = locationId ? ((await this.em.fork().findOne(LocationInvoicing, { locationId }))?.paymentTermDays ?? 30) : 30;
    return { days, date: isIso(invoiceDate) ? addDays(invoiceDate, days) : undefined };
  }

  // ---------------------------------------------------------------- detail and actions

  @Get(':id')
  async show(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number) {
    const inv = await this.invoices.get(id);
    const rates = inv.lines.getItems().map((l) => l.vatRate);
    const t = calculate(inv.lines.getItems().map((l) => ({ description: l.description, quantity: l.quantity, unitPrice: l.unitPrice, discountPercent: l.discountPercent, vatPercentage: l.vatRate.percentage, vatRateId: l.vatRate.id })));
    const lineItems = inv.lines.getItems();
    const dims: ResolvedDimensions[] = [];
    for (const l of lineItems) dims.push(await this.invoices.resolveDimensions(l, inv.location.id));
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
    const settings = await this.products.choices();
    const [pdf, exp, log, credits] = await Promise.all([
      this.em.fork().findOne(InvoicePdf, { invoiceId: id }),
      this.em.fork().findOne(InvoiceExport, { invoice: id }),
      this.em.fork().find(InvoiceExportLog, { invoice: id }, { orderBy: { at: 'desc', id: 'desc' }, limit: 100 }),
      this.em.fork().find(Invoice, { creditFor: id }, { orderBy: { id: 'asc' }, fields: ['id', 'number', 'status', 'gross', 'invoiceDate'] }),
    ]);
    const base = this.config.exact.baseUrl.replace(/\/+$/, '');
    const c = this.customerView(inv.customer);
    const manage = this.canManage(req);
    const rateNames = new Map(rates.map((r) => [String(r.id), r.name]));
    render(req, res, 'invoices/show', {
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
      customer: c,
      lines,
      showCostDimensions: settings.lineCostDimensions || lines.some((l) => l.costCenter || l.costUnit),
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
      canEdit: manage && EDITABLE.includes(inv.status),
      canFinalize: manage && inv.status === 'draft',
      canDelete: manage && inv.status === 'draft',
      canCredit: manage && inv.kind === 'invoice' && inv.status !== 'draft',
    });
  }

  @Get(':id/pdf')
  async pdf(@Res() res: Response, @Param('id', IdPipe) id: number) {
    const { bytes, filename, sha256 } = await this.invoices.pdfBytes(id);
    res.status(200);
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Disposition', `attachment; filename="${filename.replace(/[^\w.\-]/g, '_')}"`);
    res.setHeader('Content-Length', String(bytes.length));
    res.setHeader('Cache-Control', 'private, no-store');
    if (sha256) res.setHeader('X-Content-SHA256', sha256);
    res.end(bytes);
  }

  /** "Make final": a confirmation page (number, PDF, no more deleting), then POST. */
  @Get(':id/finalize')
  @Roles('admin', 'accountant')
  async confirmFinalize(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number) {
    const inv = await this.invoices.get(id);
    if (inv.status !== 'draft') return res.redirect(303, `/invoices/${id}`);
    const settings = await this.invoices.settings(inv.location.id);
    const check = await this.finalizer.check(id);
    render(req, res, 'invoices/confirm', {
      blocking: check.blocking,
      warnings: check.warnings,
      title: 'invoices.finalize.title',
      nav: 'invoices',
      action: `/invoices/${id}/finalize`,
      button: 'invoices.finalize.button',
      body: inv.number ? 'invoices.finalize.bodyNumbered' : 'invoices.finalize.body',
      params: { number: inv.number ?? settings.nextNumber, customer: inv.customer.name, location: inv.location.name },
      gross: inv.gross,
      id,
      noAddress: !this.customerView(inv.customer).hasAddress,
    });
  }

  @Post(':id/finalize')
  @Roles('admin', 'accountant')
  async finalize(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number) {
    try {
      const inv = await this.finalizer.finalize(id);
      flash(req, 'success', 'invoices.finalize.done', { number: inv.number });
    } catch (e) {
      if (e instanceof FinalizeBlockedError) {
        flash(req, 'error', 'invoices.finalize.blocked');
        for (const p of e.problems) flash(req, 'error', p.key, p.params);
        return res.redirect(303, `/invoices/${id}/finalize`);
      }
      if (e instanceof ConflictError) flash(req, 'error', e.userMessageKey ?? 'errors.title');
      else if (e instanceof ValidationError) flash(req, 'error', 'invoices.validation.noLines');
      else throw e;
    }
    res.redirect(303, `/invoices/${id}`);
  }

  @Post(':id/credit-note')
  @Roles('admin', 'accountant')
  async creditNote(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number) {
    try {
      const credit = await this.invoices.createCreditNote(id);
      flash(req, 'success', 'invoices.creditCreated');
      res.redirect(303, `/invoices/${credit.id}/edit`);
    } catch (e) {
      if (!(e instanceof ConflictError)) throw e;
      flash(req, 'error', e.userMessageKey ?? 'errors.title');
      res.redirect(303, `/invoices/${id}`);
    }
  }

  @Get(':id/delete')
  @Roles('admin', 'accountant')
  async confirmDelete(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number) {
    const inv = await this.invoices.get(id);
    if (inv.status !== 'draft') return res.redirect(303, `/invoices/${id}`);
    render(req, res, 'invoices/confirm', {
      title: 'invoices.delete.title',
      nav: 'invoices',
      action: `/invoices/${id}/delete`,
      button: 'common.delete',
      danger: true,
      body: 'invoices.delete.body',
      params: { customer: inv.customer.name, location: inv.location.name },
      gross: inv.gross,
      id,
    });
  }

  @Post(':id/delete')
  @Roles('admin', 'accountant')
  async remove(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number) {
    try {
      await this.invoices.remove(id);
      flash(req, 'success', 'invoices.delete.done');
      res.redirect(303, '/invoices');
    } catch (e) {
      if (!(e instanceof ConflictError)) throw e;
      flash(req, 'error', e.userMessageKey ?? 'errors.title');
      res.redirect(303, `/invoices/${id}`);
    }
  }
}
