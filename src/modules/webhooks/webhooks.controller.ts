import { Controller, Get, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Roles } from '../auth/guards.js';
import { render } from '../../common/views.js';
import { flash } from '../../common/flash.js';
import { WebhookSubscriptionService } from './webhook.subscriptions.js';
import { WebhookInbox } from './webhook.inbox.js';
import { WebhooksService } from './webhooks.service.js';

/** Settings → Integrations → Exact Online → Webhooks: subscriptions, inbox, refused calls (admins). */
@Controller('settings/integrations/exact/webhooks')
@Roles('admin')
export class WebhooksController {
  constructor(
    private readonly subscriptions: WebhookSubscriptionService,
    private readonly inbox: WebhookInbox,
    private readonly webhooks: WebhooksService,
  ) {}

  @Get()
  async page(@Req() req: Request, @Res() res: Response) {
    render(req, res, 'webhooks/index', await this.webhooks.page(), { fragment: 'webhooks/status' });
  }

  @Post('reconcile')
  async reconcile(@Req() req: Request, @Res() res: Response) {
    const r = await this.subscriptions.reconcile({ verify: true });
    if (r.outcome === 'not_connected') flash(req, 'info', 'webhooks.notConnected');
    else if (r.outcome === 'busy') flash(req, 'info', 'webhooks.busy');
    else if (r.errors.length) flash(req, 'error', 'webhooks.reconcileFailed', { detail: r.errors.join('; ') });
    else flash(req, 'success', 'webhooks.reconciled', { created: r.created, removed: r.removed });
    res.redirect(303, '/settings/integrations/exact/webhooks');
  }

  @Post('retry')
  async retry(@Req() req: Request, @Res() res: Response) {
    const n = await this.inbox.retryFailed();
    flash(req, 'success', 'webhooks.retried', { count: n });
    res.redirect(303, '/settings/integrations/exact/webhooks');
  }
}
