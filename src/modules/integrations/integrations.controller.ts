import { Controller, Get, Inject, Next, Post, Query, Req, Res } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { Roles } from '../auth/guards.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { ExactConnectionService } from '../../exact/connection.service.js';
import { ExactError } from '../../exact/errors.js';
import { render } from '../../common/views.js';
import { flash } from '../../common/flash.js';
import { ExactOAuth } from './exact-oauth.js';
import { ApiCallLogService } from './api-call-log.service.js';
import { SyncService } from '../sync/sync.service.js';
import { HEALTH_RESOURCE } from '../connection-health/connection-health.types.js';

/** Settings → Integrations → Exact Online (administrators only). */
@Controller('settings/integrations')
@Roles('admin')
export class IntegrationsController {
  private readonly oauth: ExactOAuth;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly connection: ExactConnectionService,
    private readonly calls: ApiCallLogService,
    private readonly sync: SyncService,
  ) {
    this.oauth = new ExactOAuth(config);
  }

  @Get()
  index(@Res() res: Response) {
    res.redirect(303, '/settings/integrations/exact');
  }

  @Get('exact')
  async page(@Req() req: Request, @Res() res: Response) {
    const status = await this.connection.status();
    render(req, res, 'integrations/exact', {
      title: 'exact.title',
      nav: 'settings',
      status,
      baseUrl: this.config.exact.baseUrl,
      sandbox: this.config.exact.sandbox,
      redirectUri: this.config.exact.redirectUri,
      webhooksOn: this.config.publicBaseUrl.startsWith('https://'),
      publicBaseUrl: this.config.publicBaseUrl,
    }, { fragment: 'integrations/exact-status' });
  }

  /** "Connect Exact Online" / "Reconnect": off to Exact's consent page. */
  @Post('exact/connect')
  connect(@Req() req: Request, @Res() res: Response, @Next() next: NextFunction) {
    this.oauth.start(req, res, next);
  }

  @Get('exact/callback')
  async callback(@Req() req: Request, @Res() res: Response) {
    const outcome = await this.oauth.finish(req, res);
    if (!outcome.ok) {
      const key = outcome.reason === 'denied' ? 'exact.connect.denied' : outcome.reason === 'state' ? 'exact.connect.state' : 'exact.connect.failed';
      flash(req, 'error', key, { detail: outcome.message ?? '' });
      return res.redirect(303, '/settings/integrations/exact');
    }
    try {
      const { me, divisions } = await this.connection.complete(outcome.tokens);
      flash(req, 'success', 'exact.connect.done', { user: me.FullName || me.UserName, count: divisions.length });
      // right after connecting: the connection health of every administration (rights, modules, master data)
      for (const d of divisions) await this.sync.enqueue(d.Code, HEALTH_RESOURCE, 'manual');
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
      const n = await this.connection.refreshDivisions();
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
