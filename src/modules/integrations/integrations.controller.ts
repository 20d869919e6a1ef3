import { Controller, Get, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Roles } from '../auth/guards.js';
import { render } from '../../common/views.js';
import { flash } from '../../common/flash.js';
import { ExactOAuthGuard } from './exact-oauth.guard.js';
import { IntegrationsService } from './integrations.service.js';
import { oauthRefusedMessage } from './integrations.view.js';

/** Settings → Integrations → Exact Online (administrators only). */
@Controller('settings/integrations')
@Roles('admin')
export class IntegrationsController {
  constructor(private readonly integrations: IntegrationsService) {}

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
    const message = oauthRefusedMessage(req.exactOAuth && !req.exactOAuth.ok ? { ...req.exactOAuth, reason: 'error' } : undefined);
    flash(req, message.kind, message.key, message.params);
    res.redirect(303, '/settings/integrations/exact');
  }

  /** Exact's redirect back: the guard has checked the state and exchanged the code (req.exactOAuth). */
  @Get('exact/callback')
  @UseGuards(ExactOAuthGuard)
  async callback(@Req() req: Request, @Res() res: Response) {
    const message = await this.integrations.callback(req.exactOAuth);
    flash(req, message.kind, message.key, message.params);
    res.redirect(303, '/settings/integrations/exact');
  }

  @Post('exact/divisions/refresh')
  async refreshDivisions(@Req() req: Request, @Res() res: Response) {
    const message = await this.integrations.refreshDivisionsStep();
    flash(req, message.kind, message.key, message.params);
    res.redirect(303, '/settings/integrations/exact');
  }

  @Post('exact/disconnect')
  async disconnect(@Req() req: Request, @Res() res: Response) {
    const message = await this.integrations.disconnect();
    flash(req, message.kind, message.key, message.params);
    res.redirect(303, '/settings/integrations/exact');
  }

  /** The API call log: every call to Exact of the last 30 days, with filters. */
  @Get('exact/calls')
  async callLog(@Req() req: Request, @Res() res: Response, @Query() raw: Record<string, unknown>) {
    render(req, res, 'integrations/calls', await this.integrations.callLogPage(raw), { fragment: 'integrations/calls-table' });
  }
}
