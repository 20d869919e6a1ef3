import { Body, Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { Roles } from '../auth/guards.js';
import { render, isFragmentRequest } from '../../common/views.js';
import { flash } from '../../common/flash.js';
import { int, parseForm, toInt } from '../../common/validation.js';
import { parseListQuery } from '../../common/pagination.js';
import { SyncService, type HistoryFilter } from './sync.service.js';
import { SyncRegistry } from './sync.registry.js';
import { toDivisionView, toHistoryView } from './sync.view.js';
import { SYNC_RUN_STATUSES, type SyncRunStatus } from './sync.types.js';

const RunNowForm = z.object({
  division: int(),
  resource: z.string({ message: 'validation.required' }).trim().min(1, 'validation.required').max(60, 'validation.tooLong'),
});

function historyFilter(raw: Record<string, unknown>): HistoryFilter & { size: number } {
  const q = parseListQuery(raw, ['startedAt'] as const, { sort: 'startedAt', dir: 'desc', pageSize: 25 });
  const division = toInt(raw.division);
  const resource = typeof raw.resource === 'string' && /^[a-z0-9-]{1,60}$/.test(raw.resource) ? raw.resource : undefined;
  const status = (SYNC_RUN_STATUSES as readonly string[]).includes(String(raw.status)) ? (raw.status as SyncRunStatus) : undefined;
  return { division, resource, status, page: q.page, pageSize: q.pageSize, size: q.pageSize };
}

/** Sync: status per division × resource, history, "Run now" and "Start import". */
@Controller('sync')
@Roles('admin', 'accountant', 'planner')
export class SyncController {
  constructor(
    private readonly sync: SyncService,
    private readonly registry: SyncRegistry,
  ) {}

  private async statusModel() {
    const [divisions, busy] = await Promise.all([this.sync.overview(), this.sync.busy()]);
    return {
      divisions: divisions.map(toDivisionView),
      busy,
      hasDivisions: divisions.length > 0,
      hasResources: this.registry.list().length > 0,
    };
  }

  private async historyModel(raw: Record<string, unknown>) {
    const filter = historyFilter(raw);
    const [page, choices] = await Promise.all([this.sync.history(filter), this.sync.historyChoices()]);
    const query = { division: filter.division, resource: filter.resource, status: filter.status, size: filter.size };
    return { history: toHistoryView(page), historyQuery: query, choices, runStatuses: SYNC_RUN_STATUSES };
  }

  /** The page; with HTMX only the status panel (it polls itself every 2 s while something runs). */
  @Get()
  async page(@Req() req: Request, @Res() res: Response, @Query() raw: Record<string, unknown>) {
    if (isFragmentRequest(req)) {
      render(req, res, 'sync/index', { ...(await this.statusModel()) }, { fragment: 'sync/status' });
      return;
    }
    render(req, res, 'sync/index', { title: 'sync.title', nav: 'sync', ...(await this.statusModel()), ...(await this.historyModel(raw)) });
  }

  /** History with filters and paging; with HTMX only the history table. */
  @Get('history')
  async history(@Req() req: Request, @Res() res: Response, @Query() raw: Record<string, unknown>) {
    const history = await this.historyModel(raw);
    if (isFragmentRequest(req)) {
      render(req, res, 'sync/index', history, { fragment: 'sync/history' });
      return;
    }
    render(req, res, 'sync/index', { title: 'sync.title', nav: 'sync', ...(await this.statusModel()), ...history });
  }

  @Post('run')
  @Roles('admin')
  async runNow(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>) {
    const { division, resource } = parseForm(RunNowForm, body);
    const result = await this.sync.enqueue(division, resource, 'manual');
    const notice = { kind: result === 'queued' ? 'success' : 'info', key: result === 'queued' ? 'sync.runQueued' : 'sync.runBusy', params: { resource, division } };
    await this.respond(req, res, notice);
  }

  @Post('import')
  @Roles('admin')
  async startImport(@Req() req: Request, @Res() res: Response) {
    const { queued, busy } = await this.sync.enqueueAll('import');
    const notice = { kind: queued ? 'success' : 'info', key: 'sync.importQueued', params: { count: queued, busy } };
    await this.respond(req, res, notice);
  }

  /** POST ends in a redirect, or for HTMX in the refreshed status panel with the message. */
  private async respond(req: Request, res: Response, notice: { kind: string; key: string; params: Record<string, unknown> }) {
    if (isFragmentRequest(req)) {
      render(req, res, 'sync/index', { ...(await this.statusModel()), notice }, { fragment: 'sync/status' });
      return;
    }
    flash(req, notice.kind as 'success' | 'info', notice.key, notice.params);
    res.redirect(303, '/sync');
  }
}
