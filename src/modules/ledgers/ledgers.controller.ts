import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Roles } from '../auth/guards.js';
import { render, isFragmentRequest, signalRefresh } from '../../common/views.js';
import { flash } from '../../common/flash.js';
import { ValidationError } from '../../common/errors.js';
import { parseForm } from '../../common/validation.js';
import { ExactError } from '../../exact/errors.js';
import { ExactConnectionService } from '../../exact/connection.service.js';
import { LedgersService } from './ledgers.service.js';
import { LedgersSync } from './ledgers.sync.js';
import { LedgerSettingsService } from './ledger-settings.service.js';
import { ImportForm, LedgerSettingsForm } from './ledgers.form.js';
import { LEDGER_RESOURCES, type LedgerImportMode, type LedgerResource } from './ledger-import.entity.js';
import { toGlAccountRow, toImportView, LINK_CLASS } from './ledgers.view.js';
import { IdPipe } from '../../common/id.pipe.js';
import { FeatureBlockedError } from '../connection-health/connection-health.registry.js';

type Tab = 'overview' | 'gl-accounts' | 'journals' | 'vat' | 'cost-centers';
const PAGE_OF: Record<LedgerResource, string> = { 'gl-accounts': 'gl-accounts', journals: 'journals', 'vat-codes': 'vat', 'cost-centers': 'cost-centers' };
const JOURNAL_TYPE_KEYS = [10, 12, 16, 20, 21, 22, 23, 90];

/** The message for an Exact error raised before a job could start (no connection, division not granted, …). */
export function exactProblem(e: ExactError) {
  if (e.kind === 'not_connected') return { key: 'ledgers.errors.notConnected', params: {} };
  if (e.kind === 'forbidden') return { key: 'ledgers.errors.divisionNotGranted', params: { division: e.division ?? '' }, exactMessage: e.exactMessage };
  return { key: `exact.errors.${e.kind}`, params: { division: e.division ?? '', exactMessage: e.exactMessage ?? '' }, exactMessage: e.exactMessage };
}

/** Accounting: GL accounts, journals, VAT codes, cost centres & units (the Export tab lives at /accounting/export). */
@Controller('accounting')
@Roles('admin', 'accountant')
export class LedgersController {
  constructor(
    private readonly ledgers: LedgersService,
    private readonly jobs: LedgersSync,
    private readonly settings: LedgerSettingsService,
    private readonly connection: ExactConnectionService,
  ) {}

  /** Shared model: divisions to choose from, the chosen one, connection state. */
  private async base(raw: Record<string, unknown>, tab: Tab) {
    const divisions = await this.ledgers.divisionChoices();
    const asked = Number.parseInt(String(raw.division ?? ''), 10);
    const division = divisions.some((d) => d.code === asked) ? asked : await this.ledgers.defaultDivision(divisions);
    const state = await this.connection.connectionState();
    return {
      nav: 'accounting',
      tab,
      divisions: divisions.map((d) => ({ ...d, selected: d.code === division })),
      division,
      divisionName: divisions.find((d) => d.code === division)?.description,
      connected: state === 'connected',
      needsReconnect: state === 'needs_reconnect',
    };
  }

  private async importPanel(division: number | undefined, resource: LedgerResource) {
    if (!division) return undefined;
    return { resource, division, imp: toImportView(await this.jobs.latest(division, resource)) };
  }

  @Get()
  async overview(@Req() req: Request, @Res() res: Response, @Query() raw: Record<string, unknown>) {
    const base = await this.base(raw, 'overview');
    const [rows, settings] = await Promise.all([this.ledgers.glAccounts(), this.settings.get()]);
    const cards = [];
    for (const d of base.divisions) {
      const counts = { linked: 0, missing: 0, blocked: 0, unchecked: 0 };
      for (const r of rows) counts[(r.links.get(d.code)?.status ?? 'unchecked') as keyof typeof counts]++;
      const [journals, lookup] = await Promise.all([this.ledgers.journals(d.code), this.ledgers.exportLookup(d.code)]);
      cards.push({ code: d.code, description: d.description, counts, journals: journals.length, problems: lookup.problems });
    }
    render(req, res, 'ledgers/overview', { title: 'ledgers.title', ...base, glTotal: rows.length, cards, costEnabled: settings.costDimensionsEnabled });
  }

  // ---------------------------------------------------------------- GL accounts

  @Get('gl-accounts')
  async glAccounts(@Req() req: Request, @Res() res: Response, @Query() raw: Record<string, unknown>) {
    const base = await this.base(raw, 'gl-accounts');
    const q = typeof raw.q === 'string' ? raw.q.trim().slice(0, 60) : '';
    const status = typeof raw.status === 'string' && ['linked', 'missing', 'blocked', 'unchecked'].includes(raw.status) ? raw.status : '';
    let rows = (await this.ledgers.glAccounts(q || undefined)).map((r) => toGlAccountRow(r.account, r.links, base.divisions));
    if (status && base.division) rows = rows.filter((r) => r.links.find((l) => l.division === base.division)?.status === status);
    const model = { title: 'ledgers.gl.title', ...base, rows, q, status, panel: await this.importPanel(base.division, 'gl-accounts') };
    render(req, res, 'ledgers/gl-accounts', model, { fragment: 'ledgers/gl-table' });
  }

  @Get('gl-accounts/new')
  newGlAccount(@Req() req: Request, @Res() res: Response) {
    render(req, res, 'ledgers/gl-form', { title: 'ledgers.gl.new', nav: 'accounting', tab: 'gl-accounts', action: '/accounting/gl-accounts', values: {} });
  }

  @Post('gl-accounts')
  async createGlAccount(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>) {
    try {
      const a = await this.ledgers.createGlAccount(body);
      flash(req, 'success', 'ledgers.gl.created', { number: a.number });
      res.redirect(303, '/accounting/gl-accounts');
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      render(req, res, 'ledgers/gl-form', { title: 'ledgers.gl.new', nav: 'accounting', tab: 'gl-accounts', action: '/accounting/gl-accounts', values: body, errors: e.fieldErrors }, { status: 422 });
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
    const a = await this.ledgers.glAccount(id);
    render(req, res, 'ledgers/gl-form', { title: 'ledgers.gl.edit', titleParams: { number: a.number }, nav: 'accounting', tab: 'gl-accounts', action: `/accounting/gl-accounts/${id}`, id, values: a });
  }

  @Post('gl-accounts/:id')
  async updateGlAccount(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number, @Body() body: Record<string, unknown>) {
    try {
      const a = await this.ledgers.updateGlAccount(id, body);
      flash(req, 'success', 'ledgers.gl.updated', { number: a.number });
      res.redirect(303, '/accounting/gl-accounts');
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      render(req, res, 'ledgers/gl-form', { title: 'ledgers.gl.edit', titleParams: { number: String(body.number ?? '') }, nav: 'accounting', tab: 'gl-accounts', action: `/accounting/gl-accounts/${id}`, id, values: body, errors: e.fieldErrors }, { status: 422 });
    }
  }

  // ---------------------------------------------------------------- journals

  @Get('journals')
  async journals(@Req() req: Request, @Res() res: Response, @Query() raw: Record<string, unknown>) {
    const base = await this.base(raw, 'journals');
    const journals = base.division ? await this.ledgers.journals(base.division) : [];
    const rows = journals.map((j) => ({ code: j.code, description: j.description, type: j.type, typeKey: JOURNAL_TYPE_KEYS.includes(j.type) ? `ledgers.journalTypes.${j.type}` : undefined, blocked: j.blocked, missing: j.missing }));
    render(req, res, 'ledgers/journals', { title: 'ledgers.journals.title', ...base, rows, panel: await this.importPanel(base.division, 'journals') });
  }

  @Post('journals/import')
  importJournals(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>) {
    return this.start(req, res, body, 'journals', 'import');
  }

  // ---------------------------------------------------------------- VAT

  @Get('vat')
  async vat(@Req() req: Request, @Res() res: Response, @Query() raw: Record<string, unknown>) {
    const base = await this.base(raw, 'vat');
    await this.renderVat(req, res, base);
  }

  private async renderVat(req: Request, res: Response, base: Awaited<ReturnType<LedgersController['base']>>, extra: Record<string, unknown> = {}, status = 200) {
    const division = base.division;
    const [rates, codes, mappings, lookup] = division
      ? await Promise.all([this.ledgers.vatRates(), this.ledgers.vatCodes(division), this.ledgers.vatMappings(division), this.ledgers.exportLookup(division)])
      : [await this.ledgers.vatRates(), [], new Map(), undefined];
    const codeViews = codes.map((c) => ({ code: c.code, description: c.description, percentage: (Number(c.percentage) * 100).toFixed(2).replace(/\.00$/, ''), type: c.type, transactionType: c.transactionType, charged: c.charged, blocked: c.blocked, missing: c.missing }));
    const usable = codeViews.filter((c) => !c.blocked && !c.missing);
    const rateRows = rates.map((r) => {
      const m = mappings.get(r.id);
      const p = lookup?.checkVatRate(r.id);
      return { id: r.id, name: r.name, percentage: r.percentage, reverseCharge: r.reverseCharge, country: r.country, active: r.active, vatCode: m?.vatCode, automatic: m?.automatic, problem: p, options: usable.map((c) => ({ ...c, selected: c.code === m?.vatCode })) };
    });
    render(req, res, 'ledgers/vat', { title: 'ledgers.vat.title', ...base, codes: codeViews, rates: rateRows, panel: await this.importPanel(division, 'vat-codes'), ...extra }, { status });
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
      await this.renderVat(req, res, await this.base({ division }, 'vat'), { errors: e.fieldErrors }, 422);
    }
  }

  // ---------------------------------------------------------------- cost centres / units

  @Get('cost-centers')
  async costCenters(@Req() req: Request, @Res() res: Response, @Query() raw: Record<string, unknown>) {
    await this.renderCost(req, res, await this.base(raw, 'cost-centers'));
  }

  private async renderCost(req: Request, res: Response, base: Awaited<ReturnType<LedgersController['base']>>, extra: Record<string, unknown> = {}, status = 200) {
    const settings = await this.settings.get();
    const view = async (kind: 'center' | 'unit') =>
      (await this.ledgers.costDimensions(kind)).map(({ item, links }) => ({
        code: item.code, description: item.description, source: item.source,
        links: base.divisions.map((d) => {
          const s = links.get(d.code)?.status ?? 'unchecked';
          return { division: d.code, status: s, statusClass: LINK_CLASS[s] };
        }),
      }));
    const [centers, units] = await Promise.all([view('center'), view('unit')]);
    render(req, res, 'ledgers/cost-centers', { title: 'ledgers.cost.title', ...base, settings, centers, units, panel: await this.importPanel(base.division, 'cost-centers'), values: {}, ...extra }, { status });
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
      await this.renderCost(req, res, await this.base({}, 'cost-centers'), { values: body, errors: e.fieldErrors }, 422);
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
    const panel = await this.importPanel(division, r);
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
      const panel = await this.importPanel(division, resource);
      if (panel?.imp && !panel.imp.busy) signalRefresh(res);
      render(req, res, 'ledgers/gl-accounts', { panel: { ...panel, notice } }, { fragment: 'ledgers/import-status' });
      return;
    }
    flash(req, notice.kind as 'success', notice.key, { ...notice.params, exactMessage: notice.exactMessage ?? '' });
    res.redirect(303, `/accounting/${PAGE_OF[resource]}?division=${division}`);
  }
}
