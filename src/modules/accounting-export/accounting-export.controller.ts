import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Roles } from '../auth/guards.js';
import { render } from '../../common/views.js';
import { flash } from '../../common/flash.js';
import { IdPipe } from '../../common/id.pipe.js';
import { ExportRunService, parseExportFilter } from './accounting-export.service.js';
import { exportPageView, filterQuery, runPageView } from './accounting-export.view.js';

const ACTIONS = ['all', 'customers', 'invoices', 'accounts'] as const;

/** Accounting → Export: filters, preflight per invoice with a preview, the export buttons and run progress. */
@Controller('accounting/export')
@Roles('admin', 'accountant')
export class ExportController {
  constructor(private readonly runs: ExportRunService) {}

  @Get()
  async page(@Req() req: Request, @Res() res: Response, @Query() raw: Record<string, unknown>) {
    const filter = parseExportFilter(raw);
    const includePdf = raw.includePdf === undefined ? true : raw.includePdf === 'on' || raw.includePdf === 'true';
    const view = exportPageView({ filter, includePdf, ...(await this.runs.page(filter)) });
    render(req, res, 'export/index', { title: 'export.title', nav: 'accounting', tab: 'export', ...view }, { fragment: 'export/selection' });
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
    const n = await this.runs.requeue(filter);
    flash(req, 'success', 'export.requeued', { count: n });
    res.redirect(303, `/accounting/export?${filterQuery({ ...filter, invoiceIds: undefined })}`);
  }

  @Get('runs/:id')
  async progress(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number) {
    render(req, res, 'export/run', { title: 'export.runTitle', nav: 'accounting', tab: 'export', ...runPageView(await this.runs.runPage(id)) }, { fragment: 'export/run-status' });
  }
}
