import { Controller, Get, Inject, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Roles } from '../auth/guards.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { ExactConnectionService } from '../../exact/connection.service.js';
import { ExactError } from '../../exact/errors.js';
import { render } from '../../common/views.js';
import { flash } from '../../common/flash.js';
import { ExactOAuthGuard } from './exact-oauth.guard.js';
import { ApiCallLogService } from './api-call-log.service.js';
import { IntegrationsService } from './integrations.service.js';

/** Settings → Integrations → Exact Online (administrators only). */
@Controller('settings/integrations')
@Roles('admin')
export class IntegrationsController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly connection: ExactConnectionService,
    private readonly calls: ApiCallLogService,
    private readonly integrations: IntegrationsService,
  ) {}

  @Get()
  index(@Res() res: Response) {
    res.redirect(303, '/settings/integrations/exact');
  }

  @Get('exact')
  async page(@Req() req: Request, @Res() res: Response) {
    render(req, res, 'integrations/exact', await this.integrations.exactPage(req.user), { fragment: 'integrations/exact-status' });
  }

  /** "Connect Exact Online" / "Reconnect": the guard sends the browser off to Exact's consent page. */
  @Post('exact/connect')
  @UseGuards(ExactOAuthGuard)
  connect(@Req() req: Request, @Res() res: Response) {
    // only reached when the connection could not even be started
    flash(req, 'error', 'exact.connect.failed', { detail: req.exactOAuth && !req.exactOAuth.ok ? (req.exactOAuth.message ?? '') : '' });
    res.redirect(303, '/settings/integrations/exact');
  }

  /** Exact's redirect back: the guard has checked the state and exchanged the code (req.exactOAuth). */
  @Get('exact/callback')
  @UseGuards(ExactOAuthGuard)
  async callback(@Req() req: Request, @Res() res: Response) {
    const outcome = req.exactOAuth ?? { ok: false, reason: 'error' };
    if (!outcome.ok) {
      const key = outcome.reason === 'denied' ? 'exact.connect.denied' : outcome.reason === 'state' ? 'exact.connect.state' : 'exact.connect.failed';
      flash(req, 'error', key, { detail: outcome.message ?? '' });
      return res.redirect(303, '/settings/integrations/exact');
    }
    try {
      const { me, divisions } = await this.integrations.complete(outcome.tokens);
      flash(req, 'success', 'exact.connect.done', { user: me.FullName || me.UserName, count: divisions.length });
    } catch (e) {
      if (!(e instanceof ExactError)) throw e;
      const key = e.kind === 'forbidden' ? 'exact.connect.forbidden' : 'exact.connect.failed';
      flash(req, 'error', key, { detail: e.exactMessage ?? e.message, division: e.division ?? '' });
    }
    res.redirect(303, '/settings/integrations/exact');
  }

  @Post('exact/divisions/refresh')
  async refreshDivisions(@Req() req: Request, @Res() res: Response) {
    try {
      const n = await this.integrations.refreshDivisions();
      flash(req, 'success', 'exact.divisionsRefreshed', { count: n });
    } catch (e) {
      if (!(e instanceof ExactError)) throw e;
      await this.connection.recordError(e);
      flash(req, 'error', 'exact.connect.failed', { detail: e.exactMessage ?? e.message });
    }
    res.redirect(303, '/settings/integrations/exact');
  }

  @Post('exact/disconnect')
  async disconnect(@Req() req: Request, @Res() res: Response) {
    try {
      await this.connection.disconnect();
      flash(req, 'success', 'exact.disconnected');
    } catch (e) {
      if (!(e instanceof ExactError)) throw e;
      flash(req, 'info', 'exact.notConnected');
    }
    res.redirect(303, '/settings/integrations/exact');
  }

  /** The API call log: every call to Exact of the last 30 days, with filters. */
  @Get('exact/calls')
  async callLog(@Req() req: Request, @Res() res: Response, @Query() raw: Record<string, unknown>) {
    const { filter, page } = await this.calls.list(raw);
    render(req, res, 'integrations/calls', { title: 'exact.calls.title', nav: 'settings', filter, page, query: filter, divisions: await this.connection.activeDivisions() }, { fragment: 'integrations/calls-table' });
  }
}
