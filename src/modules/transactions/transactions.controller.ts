import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Roles } from '../auth/guards.js';
import { render } from '../../common/views.js';
import { flash } from '../../common/flash.js';
import { ValidationError } from '../../common/errors.js';
import { IdPipe } from '../../common/id.pipe.js';
import { parseListQuery } from '../../common/pagination.js';
import { toInt } from '../../common/validation.js';
import { TransactionsService, TRANSACTION_SORTS } from './transactions.service.js';
import { TransactionsSync } from './transactions.sync.js';
import { sortLinks, toChoice, toCustomerChoice, toGlChoice, toSettingsView, toTransactionView, toTypeView } from './transactions.view.js';
import { PAYMENT_METHODS, TRANSACTION_STATES } from './transaction.entity.js';

const ids = (v: unknown): number[] => [v ?? []].flat().map((x) => toInt(x)).filter((x): x is number => x !== undefined);
const query = (filter: Record<string, unknown>) => new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => [k, String(v)])).toString();

/** Accounting → Transactions: the report, recording and reversing, forwarding on demand, re-queue, settings. */
@Controller('accounting/transactions')
@Roles('admin', 'accountant')
export class TransactionsController {
  constructor(
    private readonly transactions: TransactionsService,
    private readonly sync: TransactionsSync,
  ) {}

  @Get()
  async report(@Req() req: Request, @Res() res: Response, @Query() raw: Record<string, unknown>) {
    const filter = this.transactions.parseFilter(raw);
    const list = parseListQuery(raw, TRANSACTION_SORTS, { sort: 'date', dir: 'desc', pageSize: 50 });
    const [page, choices] = await Promise.all([this.transactions.report(filter, list), this.transactions.formChoices()]);
    render(req, res, 'transactions/index', {
      title: 'transactions.title',
      nav: 'accounting',
      tab: 'transactions',
      filter,
      filterQuery: query(filter),
      list,
      listQuery: { ...filter, sort: list.sort, dir: list.dir },
      sortLinks: sortLinks(filter, list),
      page: { ...page, items: page.items.map((t) => toTransactionView(t, page.reversed.has(t.id))) },
      sum: page.sum,
      locations: choices.locations.map(toChoice),
      types: choices.types.map(toTypeView),
      states: TRANSACTION_STATES,
    }, { fragment: 'transactions/table' });
  }

  private async form(req: Request, res: Response, values: Record<string, unknown>, errors?: Record<string, string[]>) {
    const locationId = toInt(values.locationId);
    const [choices, context] = await Promise.all([
      this.transactions.formChoices(locationId),
      this.transactions.context(toInt(values.customerId), toInt(values.invoiceId)),
    ]);
    render(req, res, 'transactions/form', {
      title: 'transactions.new',
      nav: 'accounting',
      tab: 'transactions',
      values,
      errors,
      locations: choices.locations.map(toChoice),
      types: choices.types.map(toTypeView),
      customers: choices.customers.map(toCustomerChoice),
      methods: PAYMENT_METHODS,
      invoice: context.invoice ? { id: context.invoice.id, number: context.invoice.number, open: context.invoice.open } : undefined,
      customer: context.customer ? toCustomerChoice(context.customer) : undefined,
    }, { status: errors ? 422 : 200 });
  }

  @Get('new')
  async newForm(@Req() req: Request, @Res() res: Response, @Query() raw: Record<string, unknown>) {
    const context = await this.transactions.context(toInt(raw.customerId), toInt(raw.invoiceId));
    await this.form(req, res, {
      date: this.transactions.today(),
      method: '',
      locationId: context.invoice?.location.id ?? toInt(raw.locationId) ?? context.customer?.location?.id ?? '',
      customerId: context.customer?.id ?? '',
      invoiceId: context.invoice?.id ?? '',
      amount: context.invoice && Number(context.invoice.open) > 0 ? context.invoice.open : '',
    });
  }

  @Post()
  async create(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>) {
    try {
      const t = await this.transactions.create(body, req.user?.id ?? null);
      flash(req, 'success', 'transactions.created', { id: t.id });
      res.redirect(303, `/accounting/transactions?locationId=${t.location.id}`);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      await this.form(req, res, body, e.fieldErrors);
    }
  }

  @Post('forward')
  async forward(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>) {
    const divisions = await this.transactions.divisionsToForward(toInt(body.locationId));
    const { queued, following } = await this.sync.forwardNow(divisions);
    flash(req, queued + following ? 'success' : 'info', queued + following ? 'transactions.forwarding' : 'transactions.nothingToForward', { count: queued + following });
    res.redirect(303, `/accounting/transactions?${query(this.transactions.parseFilter(body))}`);
  }

  @Post('requeue')
  async requeue(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>) {
    const filter = this.transactions.parseFilter(body);
    const n = await this.transactions.requeue(ids(body.ids), filter);
    flash(req, 'success', 'transactions.requeued', { count: n });
    res.redirect(303, `/accounting/transactions?${query(filter)}`);
  }

  @Post(':id/reverse')
  async reverse(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number) {
    try {
      const r = await this.transactions.reverse(id, req.user?.id ?? null);
      flash(req, 'success', 'transactions.reversed', { id, reversal: r.id });
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      flash(req, 'error', e.fieldErrors._form?.[0] ?? 'errors.validation');
    }
    res.redirect(303, '/accounting/transactions');
  }

  @Get('settings')
  async settings(@Req() req: Request, @Res() res: Response) {
    await this.settingsPage(req, res);
  }

  private async settingsPage(req: Request, res: Response, typeValues?: Record<string, unknown>, errors?: Record<string, string[]>) {
    const o = await this.transactions.overview();
    render(req, res, 'transactions/settings', {
      title: 'transactions.settings.title',
      nav: 'accounting',
      tab: 'transactions',
      types: o.types.map(toTypeView),
      glAccounts: o.glAccounts.map(toGlChoice),
      locations: o.locations.map((l) => ({ ...toChoice(l.location), configured: l.configured })),
      values: typeValues ?? { direction: 'in', cash: 'on', active: 'on' },
      errors,
    }, { status: errors ? 422 : 200 });
  }

  @Post('types')
  async createType(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>) {
    try {
      await this.transactions.saveType(undefined, body);
      flash(req, 'success', 'transactions.settings.typeSaved');
      res.redirect(303, '/accounting/transactions/settings');
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      await this.settingsPage(req, res, body, e.fieldErrors);
    }
  }

  @Post('types/:id')
  async updateType(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number, @Body() body: Record<string, unknown>) {
    try {
      await this.transactions.saveType(id, body);
      flash(req, 'success', 'transactions.settings.typeSaved');
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      flash(req, 'error', 'transactions.settings.typeInvalid');
    }
    res.redirect(303, '/accounting/transactions/settings');
  }

  private async locationPage(req: Request, res: Response, id: number, values?: Record<string, unknown>, errors?: Record<string, string[]>) {
    const p = await this.transactions.settingsPage(id);
    const view = toSettingsView(p.location, p.settings, p.typeGls, p.types, p.problems);
    render(req, res, 'transactions/location', {
      title: 'transactions.settings.locationTitle',
      titleParams: { name: p.location.name },
      nav: 'accounting',
      tab: 'transactions',
      ...view,
      values: values ?? view.values,
      glAccounts: p.glAccounts.map(toGlChoice),
      cashJournals: p.journals.filter((j) => j.type === 10).map((j) => ({ code: j.code, description: j.description, blocked: j.blocked })),
      miscJournals: p.journals.filter((j) => j.type === 90).map((j) => ({ code: j.code, description: j.description, blocked: j.blocked })),
      errors,
    }, { status: errors ? 422 : 200 });
  }

  @Get('settings/:id')
  async location(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number) {
    await this.locationPage(req, res, id);
  }

  @Post('settings/:id')
  async saveLocation(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number, @Body() body: Record<string, unknown>) {
    try {
      await this.transactions.saveSettings(id, body);
      flash(req, 'success', 'transactions.settings.saved');
      res.redirect(303, `/accounting/transactions/settings/${id}`);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      await this.locationPage(req, res, id, body, e.fieldErrors);
    }
  }
}
