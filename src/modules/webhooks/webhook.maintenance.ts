import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { ExactConnectionService } from '../../exact/connection.service.js';
import { SyncRegistry } from '../sync/sync.registry.js';
import { WebhookSubscriptionService } from './webhook.subscriptions.js';
import { WebhookInbox } from './webhook.inbox.js';

export const SUBSCRIPTIONS_RESOURCE = 'webhook-subscriptions';

/**
 * Keeps the subscriptions right without anyone pressing a button:
 * - a cheap local check every WEBHOOK_CHECK_SECONDS (and right after a connect or a division refresh)
 *   reconciles when an active division lacks a subscription or one is no longer wanted;
 * - nightly, a sync resource verifies each division against Exact's own list (re-creates lost ones)
 *   and prunes old inbox rows;
 * - on disconnect, every subscription is removed from Exact before the tokens are forgotten.
 */
@Injectable()
export class WebhookMaintenance implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('WebhookMaintenance');
  private timer?: NodeJS.Timeout;
  private checking?: Promise<void>;
  private stopped = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly subscriptions: WebhookSubscriptionService,
    private readonly inbox: WebhookInbox,
    private readonly connection: ExactConnectionService,
    private readonly registry: SyncRegistry,
  ) {}

  onModuleInit(): void {
    this.connection.onDisconnect(async () => {
      const r = await this.subscriptions.removeAll();
      if (r.errors.length) this.logger.warn(`removing subscriptions: ${r.errors.join('; ')}`);
    });
    this.registry.register({
      name: SUBSCRIPTIONS_RESOURCE,
      schedule: 'nightly',
      labelKey: 'webhooks.syncLabel',
      run: async (ctx) => {
        await ctx.waitForBudget();
        const r = await this.subscriptions.reconcile({ verify: true, divisions: [ctx.division] });
        ctx.count({ created: r.created, deleted: r.removed });
        await this.inbox.prune(30);
        if (r.errors.length) throw new Error(r.errors.join('; '));
      },
    });
  }

  onApplicationBootstrap(): void {
    const seconds = this.config.webhooks.checkSeconds;
    if (!this.config.webhooks.worker || seconds <= 0) return;
    this.timer = setInterval(() => this.checkSoon(), seconds * 1000);
    this.timer.unref();
    setTimeout(() => this.checkSoon(), 500).unref();
  }

  onModuleDestroy(): Promise<void> | undefined {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    return this.checking;
  }

  /** Runs the local check now (in the background); at most one at a time in this process. */
  checkSoon(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.checking ??= this.check().finally(() => (this.checking = undefined));
    return this.checking;
  }

  private async check(): Promise<void> {
    try {
      if (!(await this.subscriptions.needsReconcile())) return;
      const r = await this.subscriptions.reconcile();
      if (r.created || r.removed) this.logger.log(`subscriptions reconciled: ${r.created} created, ${r.removed} removed`);
      if (r.errors.length) this.logger.warn(`subscriptions: ${r.errors.join('; ')}`);
    } catch (e) {
      this.logger.warn(`subscription check failed: ${(e as Error).message}`);
    }
  }
}
