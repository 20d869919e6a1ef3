import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Roles } from '../auth/guards.js';
import { render, isFragmentRequest, signalRefresh } from '../../common/views.js';
import { flash } from '../../common/flash.js';
import { ValidationError } from '../../common/errors.js';
import { parseForm } from '../../common/validation.js';
import { ExactError } from '../../exact/errors.js';
import { LedgersService } from './ledgers.service.js';
import { LedgersSync } from './ledgers.sync.js';
import { LedgerSettingsService } from './ledger-settings.service.js';
import { ImportForm, LedgerSettingsForm } from './ledgers.form.js';
import { LEDGER_RESOURCES, type LedgerImportMode, type LedgerResource } from './ledger-import.entity.js';
import { LedgerPagesService } from './ledger-pages.service.js';
import { exactProblem } from './ledgers.view.js';
import { IdPipe } from '../../common/id.pipe.js';
import { FeatureBlockedError } from '../connection-health/connection-health.registry.js';

const PAGE_OF: Record<LedgerResource, string> = { 'gl-accounts': 'gl-accounts', journals: 'journals', 'vat-codes': 'vat', 'cost-centers': 'cost-centers' };

/** The message for an Exact error raised before a job could start (no connection, division not granted, …). */
/** Accounting: GL accounts, journals, VAT codes, cost centres & units (the Export tab lives at /accounting/export). */
@Controller('accounting')
@Roles('admin', 'accountant')
export class LedgersController {
  constructor(
    private readonly ledgers: LedgersService,
    private readonly jobs: LedgersSync,
    private readonly settings: LedgerSettingsService,
    private readonly pages: LedgerPagesService,
  ) {}

  @Get()
  async overview(@Req() req: Request, @Res() res: Response, @Query() raw: Record<string, unknown>) {
    render(req, res, 'ledgers/overview', await this.pages.overview(raw));
  }

  // ---------------------------------------------------------------- GL accounts

  @Get('gl-accounts')
  async glAccounts(@Req() req: Request, @Res() res: Response, @Query() raw: Record<string, unknown>) {
    render(req, res, 'ledgers/gl-accounts', await this.pages.glAccounts(raw), { fragment: 'ledgers/gl-table' });
  }

  @Get('gl-accounts/new')
  async newGlAccount(@Req() req: Request, @Res() res: Response) {
    render(req, res, 'ledgers/gl-form', await this.pages.glForm());
  }

  @Post('gl-accounts')
  async createGlAccount(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>) {
    try {
      const a = await this.ledgers.createGlAccount(body);
      flash(req, 'success', 'ledgers.gl.created', { number: a.number });
      res.redirect(303, '/accounting/gl-accounts');
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      render(req, res, 'ledgers/gl-form', await this.pages.glForm(undefined, { values: body, errors: e.fieldErrors }), { status: 422 });
    }
  }

  @Post('gl-accounts/import')
  importGl(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>) {
    return this.start(req, res, body, 'gl-accounts', 'import');
  }

  @Post('gl-accounts/synchronise')
  synchroniseGl(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>) {
    return this.start(req, res, body, 'gl-accounts', 'synchronise');
  }

  @Get('gl-accounts/:id/edit')
  async editGlAccount(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number) {
    render(req, res, 'ledgers/gl-form', await this.pages.glForm(id));
  }

  @Post('gl-accounts/:id')
  async updateGlAccount(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number, @Body() body: Record<string, unknown>) {
    try {
      const a = await this.ledgers.updateGlAccount(id, body);
      flash(req, 'success', 'ledgers.gl.updated', { number: a.number });
      res.redirect(303, '/accounting/gl-accounts');
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      render(req, res, 'ledgers/gl-form', await this.pages.glForm(id, { values: body, errors: e.fieldErrors }), { status: 422 });
    }
  }

  // ---------------------------------------------------------------- journals

  @Get('journals')
  async journals(@Req() req: Request, @Res() res: Response, @Query() raw: Record<string, unknown>) {
    render(req, res, 'ledgers/journals', await this.pages.journals(raw));
  }

  @Post('journals/import')
  importJournals(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>) {
    return this.start(req, res, body, 'journals', 'import');
  }

  // ---------------------------------------------------------------- VAT

  @Get('vat')
  async vat(@Req() req: Request, @Res() res: Response, @Query() raw: Record<string, unknown>) {
    render(req, res, 'ledgers/vat', await this.pages.vat(raw));
  }

  @Post('vat/import')
  importVat(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>) {
    return this.start(req, res, body, 'vat-codes', 'import');
  }

  @Post('vat/mapping')
  async vatMapping(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>) {
    const division = parseForm(ImportForm, body).division;
    const mapping: Record<string, string> = {};
    for (const [k, v] of Object.entries(body)) if (k.startsWith('rate_')) mapping[k.slice(5)] = String(v ?? '');
    try {
      await this.ledgers.setVatMappings(division, mapping);
      flash(req, 'success', 'ledgers.vat.saved', { division });
      res.redirect(303, `/accounting/vat?division=${division}`);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      render(req, res, 'ledgers/vat', await this.pages.vat({ division }, { errors: e.fieldErrors }), { status: 422 });
    }
  }

  // ---------------------------------------------------------------- cost centres / units

  @Get('cost-centers')
  async costCenters(@Req() req: Request, @Res() res: Response, @Query() raw: Record<string, unknown>) {
    render(req, res, 'ledgers/cost-centers', await this.pages.costCenters(raw));
  }

  @Post('cost-centers/settings')
  @Roles('admin')
  async costSettings(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>) {
    try {
      await this.settings.set(parseForm(LedgerSettingsForm, body));
      flash(req, 'success', 'ledgers.cost.settingsSaved');
    } catch (e) {
      if (!(e instanceof FeatureBlockedError)) throw e;
      flash(req, 'error', e.problem.key, e.problem.params);
    }
    res.redirect(303, '/accounting/cost-centers');
  }

  @Post('cost-centers')
  async createCost(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>) {
    try {
      const item = await this.ledgers.createCostDimension(body);
      flash(req, 'success', 'ledgers.cost.created', { code: item.code });
      res.redirect(303, '/accounting/cost-centers');
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      render(req, res, 'ledgers/cost-centers', await this.pages.costCenters({}, { values: body, errors: e.fieldErrors }), { status: 422 });
    }
  }

  @Post('cost-centers/import')
  importCost(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>) {
    return this.start(req, res, body, 'cost-centers', 'import');
  }

  @Post('cost-centers/push')
  pushCost(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>) {
    return this.start(req, res, body, 'cost-centers', 'push');
  }

  // ---------------------------------------------------------------- jobs

  /** The progress / summary panel of the latest import (polls itself while it runs). */
  @Get('imports/:resource')
  async importStatus(@Req() req: Request, @Res() res: Response, @Param('resource') resource: string, @Query() raw: Record<string, unknown>) {
    const r = (LEDGER_RESOURCES as readonly string[]).includes(resource) ? (resource as LedgerResource) : 'gl-accounts';
    const division = parseForm(ImportForm, raw).division;
    const panel = await this.pages.importPanel(division, r);
    if (!isFragmentRequest(req)) {
      res.redirect(303, `/accounting/${PAGE_OF[r]}?division=${division}`);
      return;
    }
    // the poll that sees the job finish makes the page reload its lists (new accounts, journals, codes)
    if (panel?.imp && !panel.imp.busy) signalRefresh(res);
    render(req, res, 'ledgers/gl-accounts', { panel }, { fragment: 'ledgers/import-status' });
  }

  /** "Import from Exact" and friends: record the request, "run now" through the sync engine, show progress. */
  private async start(req: Request, res: Response, body: Record<string, unknown>, resource: LedgerResource, mode: LedgerImportMode) {
    const { division, allTypes } = parseForm(ImportForm, body);
    let notice: { kind: string; key: string; params: Record<string, unknown>; exactMessage?: string };
    try {
      const { result } = await this.jobs.request(division, resource, mode, { allTypes, trigger: 'import' });
      notice = { kind: result === 'queued' ? 'success' : 'info', key: result === 'queued' ? 'ledgers.import.queued' : 'ledgers.import.busy', params: { division } };
    } catch (e) {
      if (!(e instanceof ExactError)) throw e;
      const p = exactProblem(e);
      notice = { kind: 'error', ...p };
    }
    if (isFragmentRequest(req)) {
      const panel = await this.pages.importPanel(division, resource);
      if (panel?.imp && !panel.imp.busy) signalRefresh(res);
      render(req, res, 'ledgers/gl-accounts', { panel: { ...panel, notice } }, { fragment: 'ledgers/import-status' });
      return;
    }
    flash(req, notice.kind as 'success', notice.key, { ...notice.params, exactMessage: notice.exactMessage ?? '' });
    res.redirect(303, `/accounting/${PAGE_OF[resource]}?division=${division}`);
  }
}
