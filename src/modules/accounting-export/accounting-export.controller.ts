import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { MikroORM } from '@mikro-orm/postgresql';
import { Roles } from '../auth/guards.js';
import { render } from '../../common/views.js';
import { flash } from '../../common/flash.js';
import { NotFoundError } from '../../common/errors.js';
import { ExportRunService, parseExportFilter, type ExportFilter } from './accounting-export.service.js';
import { InvoiceExportService } from './invoice-export.service.js';
import { LedgersService, type ExportLookup } from '../ledgers/ledgers.service.js';
import { InvoiceExport, type Invoice } from '../invoices/invoice.entity.js';
import { Location } from '../locations/location.entity.js';
import { Journal } from '../ledgers/journal.entity.js';
import { IdPipe } from '../../common/id.pipe.js';

const ACTIONS = ['all', 'customers', 'invoices', 'accounts'] as const;

/** Accounting → Export: filters, preflight per invoice with a preview, the export buttons and run progress. */
@Controller('accounting/export')
@Roles('admin', 'accountant')
export class ExportController {
  constructor(
    private readonly orm: MikroORM,
    private readonly runs: ExportRunService,
    private readonly exporter: InvoiceExportService,
    private readonly ledgers: LedgersService,
  ) {}

  private filterQuery(filter: ExportFilter): string {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(filter)) {
      if (Array.isArray(v)) v.forEach((x) => p.append(k, String(x)));
      else if (v !== undefined) p.set(k, String(v));
    }
    return p.toString();
  }

  @Get()
  async page(@Req() req: Request, @Res() res: Response, @Query() raw: Record<string, unknown>) {
    const filter = parseExportFilter(raw);
    const em = this.orm.em.fork();
    const [locations, journals, invoices, recent] = await Promise.all([
      em.find(Location, {}, { orderBy: { name: 'asc' } }),
      // sales and return journals that Exact still accepts, per administration (a code alone means another journal elsewhere)
      em.find(Journal, { type: { $in: [20, 21] }, blocked: false, missing: false }, { orderBy: { division: 'asc', code: 'asc' } }),
      this.runs.selection(filter, em, 200),
      this.runs.recent(5),
    ]);
    const rows = await em.find(InvoiceExport, { invoice: { $in: invoices.map((i) => i.id) } });
    const rowOf = new Map(rows.map((r) => [typeof r.invoice === 'object' ? r.invoice.id : (r.invoice as number), r]));
    const lookups = new Map<number, ExportLookup>();
    const items = [];
    for (const inv of invoices) {
      const division = inv.location.exactDivision ?? undefined;
      if (division && !lookups.has(division)) lookups.set(division, await this.ledgers.exportLookup(division));
      await em.populate(inv, ['lines', 'lines.vatRate', 'lines.product', 'lines.glAccount', 'lines.costCenter', 'lines.costUnit']);
      const prepared = await this.exporter.prepare(inv, division ? lookups.get(division) : undefined);
      items.push({ invoice: this.invoiceView(inv), problems: prepared.problems, preview: prepared.preview, row: rowOf.get(inv.id) });
    }
    const journalChoices = journals.map((j) => ({ value: `${j.division}:${j.code}`, code: j.code, description: j.description, division: j.division }));
    render(req, res, 'export/index', {
      title: 'export.title',
      nav: 'accounting',
      tab: 'export',
      filter,
      filterQuery: this.filterQuery(filter),
      locations,
      journals: journalChoices,
      allJournals: !filter.journals?.length,
      items,
      clean: items.filter((i) => !i.problems.length).length,
      withProblems: items.filter((i) => i.problems.length).length,
      recent,
      includePdf: raw.includePdf === undefined ? true : raw.includePdf === 'on' || raw.includePdf === 'true',
    }, { fragment: 'export/selection' });
  }

  private invoiceView(inv: Invoice) {
    return { id: inv.id, number: inv.number, kind: inv.kind, invoiceDate: inv.invoiceDate, gross: inv.gross, status: inv.status, customer: inv.customer.name, customerId: inv.customer.id, location: inv.location.name, locationId: inv.location.id, changedAfterExport: inv.changedAfterExport };
  }

  /** The export buttons: Export customers & invoices / customers / invoices / accounts. */
  @Post('run')
  @Roles('admin', 'accountant')
  async run(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>) {
    const action = (ACTIONS as readonly string[]).includes(String(body.action)) ? (body.action as (typeof ACTIONS)[number]) : 'all';
    const filter = parseExportFilter(body);
    const includePdf = body.includePdf === 'on' || body.includePdf === 'true';
    const { runId, joined } = await this.runs.startOnce(action, filter, includePdf, req.user?.id ?? null);
    if (joined) flash(req, 'info', 'export.alreadyRunning');
    res.redirect(303, `/accounting/export/runs/${runId}`);
  }

  /** Re-queue: failed or blocked invoices (of the filter, or the chosen ones) go back in the queue. */
  @Post('requeue')
  async requeue(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>) {
    const filter = parseExportFilter(body);
    const em = this.orm.em.fork();
    const ids = filter.invoiceIds ?? (await em.find(InvoiceExport, { state: { $in: ['failed', 'blocked'] }, ...(filter.locationId ? { invoice: { location: filter.locationId } } : {}) })).map((r) => (typeof r.invoice === 'object' ? r.invoice.id : (r.invoice as number)));
    const n = await this.exporter.requeue(ids);
    flash(req, 'success', 'export.requeued', { count: n });
    res.redirect(303, `/accounting/export?${this.filterQuery({ ...filter, invoiceIds: undefined })}`);
  }

  @Get('runs/:id')
  async progress(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number) {
    const run = await this.runs.get(id);
    if (!run) throw new NotFoundError('Export run');
    const rows = run.state === 'running' ? [] : await this.runs.rowsOf(run);
    const total = run.invoiceIds.length;
    render(req, res, 'export/run', {
      title: 'export.runTitle',
      nav: 'accounting',
      tab: 'export',
      run,
      total,
      pct: total ? Math.round((run.done / total) * 100) : run.state === 'running' ? 0 : 100,
      running: run.state === 'running',
      rows: rows.map((r) => ({ state: r.state, problems: r.problems ?? [], lastError: r.lastError, entry: r.exactEntryId, document: r.exactDocumentId, invoice: this.invoiceView(r.invoice) })),
      customers: (run.summary?.customers as unknown[] | undefined) ?? [],
      accounts: (run.summary?.accounts as unknown[] | undefined) ?? [],
      error: run.summary?.error,
    }, { fragment: 'export/run-status' });
  }
}
