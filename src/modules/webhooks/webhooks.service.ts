import { Injectable } from '@nestjs/common';
import type { CurrentUser } from '../auth/current-user.js';
import { WebhookSubscriptionService } from './webhook.subscriptions.js';
import { WebhookInbox } from './webhook.inbox.js';
import { WebhookHandlers } from './webhook.handlers.js';
import { webhooksCard, webhooksPageModel } from './webhooks.view.js';

/** The reads behind the webhooks screens: the settings page and the card on the Exact Online page. */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly subscriptions: WebhookSubscriptionService,
    private readonly inbox: WebhookInbox,
    private readonly handlers: WebhookHandlers,
  ) {}

  async page() {
    const [subscriptions, stats, problems, rejections] = await Promise.all([
      this.subscriptions.list(),
      this.inbox.stats(),
      this.inbox.problems(),
      this.inbox.rejections(24),
    ]);
    return webhooksPageModel({ mode: this.subscriptions.mode(), topics: this.subscriptions.topics(), handled: this.handlers.topics(), subscriptions, stats, problems, rejections });
  }

  /** The card on Settings → Integrations → Exact Online (administrators only; undefined for others). */
  async card(user: CurrentUser | undefined) {
    if (user?.role !== 'admin') return undefined;
    const [subs, rejections] = await Promise.all([this.subscriptions.list(), this.inbox.rejections(24)]);
    return webhooksCard(this.subscriptions.mode(), this.subscriptions.topics(), subs, rejections);
  }
}
