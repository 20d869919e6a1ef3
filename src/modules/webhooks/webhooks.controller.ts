import { Controller, Get, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Roles } from '../auth/guards.js';
import { render } from '../../common/views.js';
import { flash } from '../../common/flash.js';
import { WebhookSubscriptionService } from './webhook.subscriptions.js';
import { WebhookInbox } from './webhook.inbox.js';
import { WebhookHandlers } from './webhook.handlers.js';
import { INBOX_STATUSES } from './webhooks.types.js';

/** Settings → Integrations → Exact Online → Webhooks: subscriptions, inbox, refused calls (admins). */
@Controller('settings/integrations/exact/webhooks')
@Roles('admin')
export class WebhooksController {
  constructor(
    private readonly subscriptions: WebhookSubscriptionService,
    private readonly inbox: WebhookInbox,
    private readonly handlers: WebhookHandlers,
  ) {}

  @Get()
  async page(@Req() req: Request, @Res() res: Response) {
    const [subscriptions, stats, problems, rejections] = await Promise.all([
      this.subscriptions.list(),
      this.inbox.stats(),
      this.inbox.problems(),
      this.inbox.rejections(24),
    ]);
    render(
      req,
      res,
      'webhooks/index',
      {
        title: 'webhooks.title',
        nav: 'settings',
        mode: this.subscriptions.mode(),
        topics: this.subscriptions.topics(),
        handled: this.handlers.topics(),
        subscriptions,
        stats,
        statuses: INBOX_STATUSES.map((s) => ({ status: s, count: stats.counts[s] })),
        problems,
        rejections,
        rejected: rejections.reduce((n, r) => n + r.count, 0),
      },
      { fragment: 'webhooks/status' },
    );
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
