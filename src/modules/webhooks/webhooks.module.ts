import { Global, Inject, MiddlewareConsumer, Module, NestModule, OnApplicationShutdown, RequestMethod } from '@nestjs/common';
import pg from 'pg';
import { DATABASE_URL } from '../../database/pg-pool.js';
import { WEBHOOK_POOL, WebhookInbox } from './webhook.inbox.js';
import { WebhookHandlers } from './webhook.handlers.js';
import { WebhookWorker } from './webhook.worker.js';
import { WebhookSubscriptionService } from './webhook.subscriptions.js';
import { WebhookMaintenance } from './webhook.maintenance.js';
import { WebhookReceiverController } from './webhook.receiver.controller.js';
import { WebhooksController } from './webhooks.controller.js';
import { WebhooksCardMiddleware } from './webhooks.card.middleware.js';

/**
 * Exact webhooks: receiver (POST /webhooks/exact) → inbox table → worker → handlers per topic, plus the
 * subscriptions in Exact. Global: any module injects `WebhookHandlers` and calls `register(topic, fn)`.
 */
@Global()
@Module({
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
  ],
  controllers: [WebhookReceiverController, WebhooksController],
  exports: [WebhookHandlers, WebhookInbox, WebhookSubscriptionService, WebhookWorker],
})
export class WebhooksModule implements NestModule, OnApplicationShutdown {
  constructor(@Inject(WEBHOOK_POOL) private readonly pool: pg.Pool) {}

  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(WebhooksCardMiddleware)
      .forRoutes(
        { path: 'settings/integrations/exact', method: RequestMethod.GET },
        { path: 'settings/integrations/exact/callback', method: RequestMethod.GET },
        { path: 'settings/integrations/exact/divisions/refresh', method: RequestMethod.POST },
      );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }
}
