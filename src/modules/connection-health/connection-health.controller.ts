import { Body, Controller, Get, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Roles } from '../auth/guards.js';
import { render } from '../../common/views.js';
import { flash } from '../../common/flash.js';
import { toInt } from '../../common/validation.js';
import { ConnectionHealthService } from './connection-health.service.js';
import { healthPage } from './connection-health.view.js';

const PAGE = '/settings/integrations/exact/health';

/** Settings → Integrations → Exact Online → Health (administrators). */
@Controller('settings/integrations/exact/health')
@Roles('admin')
export class ConnectionHealthController {
  constructor(private readonly health: ConnectionHealthService) {}

  @Get()
  async page(@Req() req: Request, @Res() res: Response) {
    render(req, res, 'connection-health/index', { title: 'connectionHealth.title', nav: 'settings', ...healthPage(await this.health.overview()) }, { fragment: 'connection-health/results' });
  }

  /** "Check now": one division, or every division Koppel books into. Runs on the sync engine; the page polls. */
  @Post('check')
  async check(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>) {
    const count = await this.health.requestChecks(toInt(body.division));
    flash(req, 'info', 'connectionHealth.started', { count });
    res.redirect(303, PAGE);
  }
}
