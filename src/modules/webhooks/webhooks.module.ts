import { Global, Inject, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import pg from 'pg';
import { DATABASE_URL } from '../../database/pg-pool.js';
import { WEBHOOK_POOL, WebhookInbox } from './webhook.inbox.js';
import { WebhookHandlers } from './webhook.handlers.js';
import { WebhookWorker } from './webhook.worker.js';
import { WebhookSubscriptionService } from './webhook.subscriptions.js';
import { WebhookMaintenance } from './webhook.maintenance.js';
import { WebhookReceiverController } from './webhook.receiver.controller.js';
import { WebhooksController } from './webhooks.controller.js';
import { WebhooksService } from './webhooks.service.js';
import { IntegrationsModule } from '../integrations/integrations.module.js';
import { ExactPageRegistry } from '../integrations/integrations.types.js';

/**
 * Exact webhooks: receiver (POST /webhooks/exact) → inbox table → worker → handlers per topic, plus the
 * subscriptions in Exact; registers its card and the check after a connect with ExactPageRegistry. Global: any module injects `WebhookHandlers` and calls `register(topic, fn)`.
 */
@Global()
@Module({
  imports: [IntegrationsModule],
  providers: [
    {
      provide: WEBHOOK_POOL,
      inject: [DATABASE_URL],
      useFactory: (url: string) => {
        const pool = new pg.Pool({ connectionString: url, max: 10, application_name: 'koppel-webhooks' });
        pool.on('error', () => undefined);
        return pool;
      },
    },
    WebhookInbox,
    WebhookHandlers,
    WebhookWorker,
    WebhookSubscriptionService,
    WebhookMaintenance,
    WebhooksService,
  ],
  controllers: [WebhookReceiverController, WebhooksController],
  exports: [WebhookHandlers, WebhookInbox, WebhookSubscriptionService, WebhookWorker],
})
export class WebhooksModule implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(WEBHOOK_POOL) private readonly pool: pg.Pool,
    private readonly exactPage: ExactPageRegistry,
    private readonly webhooks: WebhooksService,
    private readonly maintenance: WebhookMaintenance,
  ) {}

  /** The webhooks card on the Exact Online page, and a subscription check after a connect or a division refresh. */
  onModuleInit(): void {
    this.exactPage.addCard('webhooks', (user) => this.webhooks.card(user));
    this.exactPage.onConnectionChanged(() => this.maintenance.checkSoon());
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }
}
