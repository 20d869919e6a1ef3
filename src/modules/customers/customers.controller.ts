import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Roles } from '../auth/guards.js';
import { render } from '../../common/views.js';
import { flash } from '../../common/flash.js';
import { ValidationError } from '../../common/errors.js';
import { isGuid } from '../../common/validation.js';
import { ExactError } from '../../exact/errors.js';
import { CustomersService, type SaveSend } from './customers.service.js';
import { CustomerPagesService } from './customer-pages.service.js';
import { CustomerExportService, type ConflictChoice } from './customer-export.service.js';
import { CustomerExportRuns } from './customer-export.runs.js';
import { customerExportView } from './customers.view.js';

const CONFLICT_CHOICES: readonly ConflictChoice[] = ['new', 'exact', 'koppel'];
import { CUSTOMER_FIELDS } from './customer.form.js';
import { EXACT_CHANGES_POLICIES, type Customer, type ExactChangesPolicy } from './customer.entity.js';
import { CustomerConflictError, CustomerNotSendableError, DuplicateCustomerError } from './customers.errors.js';
import { FormOnceService } from '../../common/form-once.js';
import { toInt } from '../../common/validation.js';
import { IdPipe } from '../../common/id.pipe.js';
import { FeatureBlockedError } from '../connection-health/connection-health.registry.js';

const num = (v: unknown) => toInt(v);

/** Customers: list, add (or search and import from Exact), detail with the Exact link per division, export. */
@Controller('customers')
@Roles('admin', 'accountant', 'planner')
export class CustomersController {
  constructor(
    private readonly customers: CustomersService,
    private readonly exporter: CustomerExportService,
    private readonly exportRuns: CustomerExportRuns,
    private readonly forms: FormOnceService,
    private readonly pages: CustomerPagesService,
  ) {}

  @Get()
  async list(@Req() req: Request, @Res() res: Response, @Query() raw: Record<string, unknown>) {
    render(req, res, 'customers/list', await this.pages.listPage(raw, req.user), { fragment: 'customers/table' });
  }

  @Get('new')
  @Roles('admin', 'accountant') // creates or changes what is sent to Exact
  async newForm(@Req() req: Request, @Res() res: Response, @Query('location') location?: string) {
    render(req, res, 'customers/form', await this.pages.newForm(location));
  }

  @Post()
  @Roles('admin', 'accountant') // creates or changes what is sent to Exact
  async create(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>) {
    // the same form sent twice (double-click, Back + Save) makes one customer: the second POST goes to it
    const claim = await this.forms.claim(body._form, 'customer');
    if (!claim.first) {
      flash(req, 'info', claim.target ? 'forms.alreadySaved' : 'forms.beingSaved');
      return res.redirect(303, claim.target ?? '/customers');
    }
    try {
      const { customer, send } = await this.customers.create(body);
      await this.forms.done(claim, `/customers/${customer.id}`);
      flash(req, 'success', 'customers.created', { name: customer.name, number: customer.number });
      this.flashSend(req, send);
      res.redirect(303, `/customers/${customer.id}`);
    } catch (e) {
      await this.forms.release(claim);
      if (e instanceof DuplicateCustomerError) {
        return render(req, res, 'customers/form', await this.pages.newFormRefused(body, { duplicate: e.existing }), { status: 422 });
      }
      if (!(e instanceof ValidationError)) throw e;
      render(req, res, 'customers/form', await this.pages.newFormRefused(body, { errors: e.fieldErrors }), { status: 422 });
    }
  }

  @Post('validate/:field')
  @Roles('admin', 'accountant') // creates or changes what is sent to Exact
  async validateField(@Res() res: Response, @Param('field') field: string, @Body() body: Record<string, unknown>) {
    const name = (CUSTOMER_FIELDS as readonly string[]).includes(field) ? field : 'name';
    const error = await this.customers.validateField(body, name, num(body.id));
    res.status(200).render('fragments/field-error', { layout: false, field: name, error });
  }

  /** "Search in Exact Online" while adding a customer (HTMX fragment). */
  @Get('exact-search')
  @Roles('admin', 'accountant') // searches Exact to import from it
  async exactSearch(@Req() req: Request, @Res() res: Response, @Query('locationId') locationId: string, @Query('q') q = '') {
    const model: Record<string, unknown> = { q, locationId };
    try {
      const loc = num(locationId);
      if (!loc) model.message = 'customers.exact.chooseLocation';
      else Object.assign(model, await this.customers.searchExact(loc, String(q)));
    } catch (e) {
      if (e instanceof ValidationError) model.message = 'customers.exact.noDivision';
      else if (e instanceof ExactError) Object.assign(model, { message: e.userMessageKey, exactMessage: e.exactMessage });
      else throw e;
    }
    res.status(200).render('fragments/customers/exact-results', { ...model, layout: false });
  }

  @Post('import')
  @Roles('admin', 'accountant') // creates or changes what is sent to Exact
  async importFromExact(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>) {
    const locationId = num(body.locationId);
    const type = body.type === 'private' ? 'private' : 'business';
    if (!locationId || typeof body.exactId !== 'string') throw new ValidationError({ exactId: ['validation.required'] });
    if (!isGuid(body.exactId)) throw new ValidationError({ exactId: ['validation.guid'] });
    const { customer, existed } = await this.customers.importFromExact(locationId, body.exactId, type);
    flash(req, existed ? 'info' : 'success', existed ? 'customers.alreadyKnown' : 'customers.imported', { name: customer.name, number: customer.number });
    res.redirect(303, `/customers/${customer.id}`);
  }

  @Get('settings')
  @Roles('admin')
  async settingsForm(@Req() req: Request, @Res() res: Response) {
    render(req, res, 'customers/settings', await this.pages.settingsPage());
  }

  @Post('settings')
  @Roles('admin')
  async saveSettings(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>) {
    const moments: Record<number, 'saved' | 'first_invoice'> = {};
    for (const [k, v] of Object.entries(body)) {
      const m = /^moment_(\d+)$/.exec(k);
      if (m) moments[Number(m[1])] = v === 'saved' ? 'saved' : 'first_invoice';
    }
    const exactChanges = (EXACT_CHANGES_POLICIES as readonly string[]).includes(String(body.exactChanges)) ? (body.exactChanges as ExactChangesPolicy) : 'update';
    try {
      await this.customers.saveSettings({ exactChanges, importNew: body.importNew === 'on' || body.importNew === 'true', moments });
      flash(req, 'success', 'customers.settings.saved');
    } catch (e) {
      if (!(e instanceof FeatureBlockedError)) throw e;
      flash(req, 'error', e.problem.key, e.problem.params);
    }
    res.redirect(303, '/customers/settings');
  }

  /** "Export customers": every new or changed customer of the filter, in the background. */
  @Post('export')
  @Roles('admin', 'accountant')
  async startExport(@Res() res: Response, @Body() body: Record<string, unknown>) {
    const q = typeof body.q === 'string' && body.q.trim() ? body.q.trim().slice(0, 100) : undefined;
    const run = await this.exportRuns.start({ q, locationId: num(body.location) });
    res.redirect(303, `/customers/export/${run.id}`);
  }

  @Get('export/:id')
  @Roles('admin', 'accountant')
  async exportStatus(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number) {
    render(req, res, 'customers/export', customerExportView(await this.exportRuns.progress(id)), { fragment: 'customers/export-progress' });
  }

  @Get(':id')
  async show(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number) {
    render(req, res, 'customers/show', await this.pages.detail(id, req.user));
  }

  @Get(':id/edit')
  @Roles('admin', 'accountant') // creates or changes what is sent to Exact
  async editForm(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number) {
    render(req, res, 'customers/form', await this.pages.editForm(id));
  }

  @Post(':id')
  @Roles('admin', 'accountant') // creates or changes what is sent to Exact
  async update(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number, @Body() body: Record<string, unknown>) {
    try {
      const { customer, send } = await this.customers.update(id, body);
      flash(req, 'success', 'customers.updated', { name: customer.name, number: customer.number });
      this.flashSend(req, send);
      res.redirect(303, `/customers/${id}`);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      render(req, res, 'customers/form', await this.pages.editForm(id, { values: body, errors: e.fieldErrors }), { status: 422 });
    }
  }

  /** "Send to Exact" for one division (the location's by default). */
  @Post(':id/send')
  @Roles('admin', 'accountant')
  async send(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number, @Body() body: Record<string, unknown>) {
    const c = await this.customers.get(id);
    const division = num(body.division) ?? c.location?.exactDivision;
    if (!division) {
      flash(req, 'error', 'customers.problems.noDivision', { number: c.number, name: c.name });
      return res.redirect(303, `/customers/${id}`);
    }
    try {
      const r = await this.exporter.send(id, division);
      flash(req, 'success', `customers.sent.${r.action}`, { division, name: c.name });
    } catch (e) {
      this.flashSendError(req, e, c);
    }
    res.redirect(303, `/customers/${id}`);
  }

  /** The side-by-side choice: "create as a new relation with a new number", "use Exact's" or "use Koppel's". */
  @Post(':id/conflict')
  @Roles('admin', 'accountant')
  async resolve(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number, @Body() body: Record<string, unknown>) {
    const c = await this.customers.get(id);
    const division = num(body.division);
    // no default: a missing or unknown choice changes nothing (overwriting Exact is never what an empty form means)
    const choice = CONFLICT_CHOICES.find((x) => x === body.choice);
    if (!division || !choice) throw new ValidationError({ ...(division ? {} : { division: ['validation.required'] }), ...(choice ? {} : { choice: ['validation.required'] }) });
    try {
      await this.exporter.resolveConflict(id, division, choice);
      const done = { new: 'customers.conflict.createdNew', exact: 'customers.conflict.usedExact', koppel: 'customers.conflict.usedKoppel' } as const;
      flash(req, 'success', done[choice], { division });
    } catch (e) {
      this.flashSendError(req, e, c);
    }
    res.redirect(303, `/customers/${id}`);
  }

  private flashSend(req: Request, send?: SaveSend) {
    if (send?.result) flash(req, 'info', `customers.sent.${send.result.action}`, { name: '' });
    if (send?.problem) {
      flash(req, 'warning', 'customers.notSent');
      flash(req, 'warning', send.problem.key, send.problem.params);
    }
  }

  private flashSendError(req: Request, e: unknown, c: Customer) {
    if (e instanceof CustomerNotSendableError) for (const p of e.problems) flash(req, 'error', p.key, p.params);
    else if (e instanceof CustomerConflictError) flash(req, 'warning', 'customers.problems.conflict', { number: c.number, name: c.name, division: e.division });
    else if (e instanceof ExactError) flash(req, 'error', 'customers.problems.exactError', { number: c.number, name: c.name, message: e.exactMessage || e.message });
    else throw e;
  }
}
