import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Roles } from '../auth/guards.js';
import { render } from '../../common/views.js';
import { flash } from '../../common/flash.js';
import { ConflictError, ValidationError } from '../../common/errors.js';
import { toInt } from '../../common/validation.js';
import { FormOnceService } from '../../common/form-once.js';
import { FinalizeBlockedError, FinalizeService } from './finalize.service.js';
import { InvoicesService } from './invoices.service.js';
import { InvoicePagesService } from './invoice-pages.service.js';
import { cleanBody, lineErrors, typedLines } from './invoice.form.js';
import { IdPipe } from '../../common/id.pipe.js';

const num = (v: unknown) => toInt(v);

/** Invoices and credit notes: list, new/edit with live totals, detail with dimensions, PDF and export state. */
@Controller('invoices')
@Roles('admin', 'accountant')
export class InvoicesController {
  constructor(
    private readonly invoices: InvoicesService,
    private readonly pages: InvoicePagesService,
    private readonly forms: FormOnceService,
    private readonly finalizer: FinalizeService,
  ) {}

  // ---------------------------------------------------------------- list

  @Get()
  async index(@Req() req: Request, @Res() res: Response, @Query() raw: Record<string, unknown>) {
    render(req, res, 'invoices/list', await this.pages.listPage(raw, req.user), { fragment: 'invoices/table' });
  }

  // ---------------------------------------------------------------- new / edit

  @Get('new')
  @Roles('admin', 'accountant')
  async newForm(@Req() req: Request, @Res() res: Response, @Query() raw: Record<string, unknown>) {
    render(req, res, 'invoices/form', await this.pages.newForm(raw));
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
      render(req, res, 'invoices/form', await this.pages.newFormRefused(body, lines, e.fieldErrors), { status: 422 });
    }
  }

  @Get(':id/edit')
  @Roles('admin', 'accountant')
  async editForm(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number) {
    const model = await this.pages.editForm(id);
    if (!model) {
      flash(req, 'info', 'invoices.errors.locked');
      return res.redirect(303, `/invoices/${id}`);
    }
    render(req, res, 'invoices/form', model);
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
      render(req, res, 'invoices/form', await this.pages.editFormRefused(id, body, lines, e.fieldErrors), { status: 422 });
    }
  }

  // ---------------------------------------------------------------- htmx helpers of the form

  /** A new, empty line row ("Add line"), with the button for the next one (out of band). */
  @Get('form/line')
  @Roles('admin', 'accountant')
  async newLine(@Res() res: Response, @Query('index') index: string) {
    const i = Math.min(Number.parseInt(index, 10) || 0, 9999);
    res.status(200).render('fragments/invoices/line-new', { layout: false, ...(await this.pages.newLine(i)) });
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
  async productLine(@Res() res: Response, @Body() body: Record<string, unknown>) {
    // htmx sends the whole form with a POST (every row), so the changed row is named by its own index (hx-vals)
    res.status(200).render('fragments/invoices/line', { layout: false, ...(await this.pages.productLine(body)) });
  }

  /** Live totals (net, VAT per rate, gross) of what is typed, computed exactly with calculate(). */
  @Post('form/preview')
  @Roles('admin', 'accountant')
  async preview(@Res() res: Response, @Body() body: Record<string, unknown>) {
    res.status(200).render('fragments/invoices/totals', { layout: false, totals: await this.pages.totals(typedLines(body)) });
  }

  /** Customer options for the select (first 200 by name, or those matching the search, plus the chosen one). */
  @Get('form/customers')
  @Roles('admin', 'accountant')
  async customerSearch(@Res() res: Response, @Query('customerQ') q = '', @Query('customerId') selected?: string) {
    const customers = await this.pages.customerOptions(String(q).trim().slice(0, 100), num(selected));
    res.status(200).render('fragments/invoices/customer-options', { layout: false, customers, selected: num(selected) });
  }

  /** The chosen customer's address block — or the warning that a customer without address cannot be exported. */
  @Get('form/customer')
  @Roles('admin', 'accountant')
  async customerInfo(@Res() res: Response, @Query('customerId') customerId?: string) {
    res.status(200).render('fragments/invoices/customer-info', { layout: false, customerInfo: await this.pages.customerInfo(num(customerId)) });
  }

  /** "Empty = invoice date + N days": the due date the location's payment term gives. */
  @Get('form/due')
  @Roles('admin', 'accountant')
  async due(@Res() res: Response, @Query('locationId') locationId?: string, @Query('invoiceDate') invoiceDate?: string) {
    res.status(200).render('fragments/invoices/due-hint', { layout: false, dueHint: await this.pages.dueHint(num(locationId), invoiceDate) });
  }

  // ---------------------------------------------------------------- detail and actions

  @Get(':id')
  async show(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number) {
    render(req, res, 'invoices/show', await this.pages.detail(id, req.user));
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
    const model = await this.pages.confirmFinalize(id);
    if (!model) return res.redirect(303, `/invoices/${id}`);
    render(req, res, 'invoices/confirm', model);
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
    const model = await this.pages.confirmDelete(id);
    if (!model) return res.redirect(303, `/invoices/${id}`);
    render(req, res, 'invoices/confirm', model);
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
