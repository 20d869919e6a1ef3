import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { WebhookSubscriptionService } from './webhook.subscriptions.js';
import { WebhookInbox } from './webhook.inbox.js';
import { WebhookMaintenance } from './webhook.maintenance.js';

/**
 * The webhooks card on Settings → Integrations → Exact Online: puts `webhooks` (on/off, subscriptions,
 * refused calls) into res.locals for the exact-status template, so the integrations controller needs no
 * knowledge of this module. After the OAuth callback or a division refresh it starts a subscription check.
 */
@Injectable()
export class WebhooksCardMiddleware implements NestMiddleware {
  constructor(
    private readonly subscriptions: WebhookSubscriptionService,
    private readonly inbox: WebhookInbox,
    private readonly maintenance: WebhookMaintenance,
  ) {}

  async use(req: Request, res: Response, next: NextFunction): Promise<void> {
    try {
      const path = req.path.replace(/\/+$/, '');
      if (path.endsWith('/exact/callback') || path.endsWith('/exact/divisions/refresh')) {
        res.on('finish', () => void this.maintenance.checkSoon());
      } else if (req.method === 'GET' && path.endsWith('/integrations/exact') && req.user?.role === 'admin') {
        const mode = this.subscriptions.mode();
        const [subs, rejections] = await Promise.all([this.subscriptions.list(), this.inbox.rejections(24)]);
        res.locals.webhooks = {
          mode,
          topics: this.subscriptions.topics(),
          subscriptions: subs,
          active: subs.filter((s) => s.status === 'active').length,
          errors: subs.filter((s) => s.status === 'error'),
          rejected: rejections.reduce((n, r) => n + r.count, 0),
        };
      }
      next();
    } catch (e) {
      next(e);
    }
  }
}
