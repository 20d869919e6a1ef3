import { Body, Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Roles } from '../auth/guards.js';
import { render } from '../../common/views.js';
import { flash } from '../../common/flash.js';
import { IdPipe } from '../../common/id.pipe.js';
import { ValidationError } from '../../common/errors.js';
import { FeatureBlockedError } from '../connection-health/connection-health.registry.js';
import { toInt } from '../../common/validation.js';
import { sameOriginPath } from '../../common/return-path.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { OutgoingAdminService } from './outgoing-admin.service.js';
import { toLogView, toMessageView, toSettingsView } from './outgoing.view.js';

const SCREEN = '/settings/integrations/exact/planning/outgoing';

/** Settings → Integrations → Exact Online → Planning → outgoing (administrators). */
@Controller('settings/integrations/exact/planning/outgoing')
@Roles('admin')
export class OutgoingSettingsController {
  constructor(private readonly outgoing: OutgoingAdminService) {}

  @Get()
  async page(@Req() req: Request, @Res() res: Response, @Query() raw: Record<string, unknown>) {
    const m = await this.outgoing.screen(raw.division);
    render(req, res, 'planning-outgoing/settings', { title: 'outgoing.title', nav: 'settings', ...m, view: m.settings ? toSettingsView(m.settings, m.codes) : null });
  }

  @Post('save')
  async save(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>) {
    try {
      const division = await this.outgoing.save(body);
      flash(req, 'success', 'outgoing.saved');
      res.redirect(303, `${SCREEN}?division=${division}`);
    } catch (e) {
      if (!(e instanceof ValidationError) && !(e instanceof FeatureBlockedError)) throw e;
      const m = await this.outgoing.screen(body.division);
      // a switch whose Exact right is missing: the Health page's words
      const errorKeys = e instanceof ValidationError ? [...new Set(Object.values(e.fieldErrors).flat())] : [];
      const blocked = e instanceof FeatureBlockedError ? { key: e.problem.key, params: e.problem.params } : null;
      render(req, res, 'planning-outgoing/settings', { title: 'outgoing.title', nav: 'settings', ...m, view: m.settings ? toSettingsView(m.settings, m.codes) : null, errorKeys, blocked }, { status: 422 });
    }
  }
}

/** The send log of a card or a time entry, and "re-send" after Exact refused (planners and admins re-send). */
@Controller('planning/outgoing')
@Roles('admin', 'accountant', 'planner')
export class OutgoingLogController {
  constructor(
    private readonly outgoing: OutgoingAdminService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('log')
  async log(@Req() req: Request, @Res() res: Response, @Query() raw: Record<string, unknown>) {
    const cardId = toInt(raw.card);
    const timeEntryId = toInt(raw.entry);
    const { messages, log } = cardId || timeEntryId ? await this.outgoing.log({ cardId, timeEntryId }) : { messages: [], log: [] };
    render(req, res, 'planning-outgoing/log', {
      title: 'outgoing.log.title', nav: 'planning', cardId, timeEntryId, messages: messages.map(toMessageView), log: log.map(toLogView),
      canResend: req.user?.role === 'admin' || req.user?.role === 'planner',
    });
  }

  @Post(':id/resend')
  @Roles('admin', 'planner')
  async resend(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number, @Body() body: Record<string, unknown>) {
    const row = await this.outgoing.resend(id);
    flash(req, 'success', 'outgoing.resent');
    const log = row.timeEntryId ? `/planning/outgoing/log?entry=${row.timeEntryId}` : `/planning/outgoing/log?card=${row.cardId}`;
    res.redirect(303, sameOriginPath(body.return, this.config.publicBaseUrl, log));
  }

  /** Re-send of a time entry's hours (from the entry's page): refused or held, after the fix. */
  @Post('entries/:id/resend')
  @Roles('admin', 'planner')
  async resendEntry(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number) {
    await this.outgoing.resendEntry(id);
    flash(req, 'success', 'outgoing.resent');
    res.redirect(303, `/time/entries/${id}`);
  }

  @Get('counts')
  async counts(@Req() req: Request, @Res() res: Response) {
    render(req, res, 'planning-outgoing/counts', { title: 'outgoing.counts.title', nav: 'sync', rows: await this.outgoing.counts() }, { fragment: 'planning-outgoing/counts' });
  }
}
