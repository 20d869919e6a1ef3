import { Module } from '@nestjs/common';
import { CustomersModule } from '../customers/customers.module.js';
import { LedgersModule } from '../ledgers/ledgers.module.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';
import { IntegrationsModule } from '../integrations/integrations.module.js';
import { ConnectionHealthService } from './connection-health.service.js';
import { ConnectionHealthSync } from './connection-health.sync.js';
import { ConnectionHealthController } from './connection-health.controller.js';

/**
 * Connection health (issue 17): rights, modules and master data per division, checked against Exact.
 * Other modules use the port HealthFeatureRegistry (connection-health.registry.ts, global): register a feature,
 * gate an option, read a feature's problems.
 */
@Module({
  imports: [CustomersModule, LedgersModule, WebhooksModule, IntegrationsModule],
  providers: [ConnectionHealthService, ConnectionHealthSync],
  controllers: [ConnectionHealthController],
  exports: [ConnectionHealthService],
})
export class ConnectionHealthModule {}
