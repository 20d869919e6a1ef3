import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { ExactConnectionService } from '../../exact/connection.service.js';
import { SyncRegistry } from '../sync/sync.registry.js';
import { SyncService } from '../sync/sync.service.js';
import type { SyncCounts } from '../sync/sync.types.js';
import { WebhookSubscriptionService } from './webhook.subscriptions.js';
import { WebhookInbox } from './webhook.inbox.js';

export const SUBSCRIPTIONS_RESOURCE = 'webhook-subscriptions';
/** The local check as a 15-minute sync resource (per division; the reconcile itself is one at a time, advisory-locked). */
export const SUBSCRIPTIONS_CHECK_RESOURCE = 'webhook-subscriptions-check';
/** The same check on demand (after a connect or a division refresh): a one-off sync-engine job. */
export const SUBSCRIPTIONS_CHECK_TASK = 'webhook-subscriptions-check-now';

/**
 * Keeps the subscriptions right without anyone pressing a button, all of it on the sync engine (a process started
 * with SYNC_ENABLED=false only queues):
 * - a cheap local check — every 15 minutes (sync resource), right after a connect or a division refresh (a job
 *   queued by checkSoon) and, in a process running the engine, every WEBHOOK_CHECK_SECONDS when the local read
 *   says something is missing or unwanted (the timer only queues) — reconciles subscriptions with the divisions;
 * - nightly, a sync resource verifies each division against Exact's own list (re-creates lost ones)
 *   and prunes old inbox rows;
 * - on disconnect, every subscription is removed from Exact before the tokens are forgotten.
 */
@Injectable()
export class WebhookMaintenance implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('WebhookMaintenance');
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly subscriptions: WebhookSubscriptionService,
    private readonly inbox: WebhookInbox,
    private readonly connection: ExactConnectionService,
    private readonly registry: SyncRegistry,
    private readonly sync: SyncService,
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
    this.registry.register({
      name: SUBSCRIPTIONS_CHECK_RESOURCE,
      schedule: '15min',
      labelKey: 'webhooks.checkLabel',
      run: async (ctx) => void ctx.count(await this.check()),
    });
    this.registry.registerTask({
      name: SUBSCRIPTIONS_CHECK_TASK,
      labelKey: 'webhooks.checkLabel',
      repeatable: true,
      run: async (ctx) => {
        const counts = await this.check();
        ctx.count(counts);
        return { ...counts };
      },
    });
  }

  onApplicationBootstrap(): void {
    const seconds = this.config.webhooks.checkSeconds;
    // only where the engine works (config.webhooks.worker includes SYNC_ENABLED); the timer only queues
    if (!this.config.webhooks.worker || seconds <= 0) return;
    const tick = () => void this.checkIfNeeded().catch((e: Error) => this.logger.warn(`subscription check: ${e.message}`));
    this.timer = setInterval(tick, seconds * 1000);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
  }

  /** Queues the check now ('user' work, before scheduled jobs); null when one is queued or running already. */
  async checkSoon(): Promise<string | null> {
    if (this.stopped) return null;
    return this.sync.submit(SUBSCRIPTIONS_CHECK_TASK, 'check', { trigger: 'user' });
  }

  /** The timer: queue the check only when the local read (no API call) says something is missing or unwanted. */
  private async checkIfNeeded(): Promise<void> {
    if (!this.stopped && (await this.subscriptions.needsReconcile())) await this.checkSoon();
  }

  /**
   * The check itself, run by the engine: reconcile when the local read says so. A subscription Exact refuses is
   * marked 'error' on its row (the webhooks card shows it, retried after 15 minutes) and does not fail the run.
   */
  private async check(): Promise<SyncCounts> {
    if (!(await this.subscriptions.needsReconcile())) return {};
    const r = await this.subscriptions.reconcile();
    if (r.created || r.removed) this.logger.log(`subscriptions reconciled: ${r.created} created, ${r.removed} removed`);
    if (r.errors.length) this.logger.warn(`subscriptions: ${r.errors.join('; ')}`);
    return { created: r.created, deleted: r.removed };
  }
}
