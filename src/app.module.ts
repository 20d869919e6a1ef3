import { DynamicModule, Module } from '@nestjs/common';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { OrmShutdownGuard } from './database/orm-shutdown.js';
import { ormConfig } from './database/orm.config.js';
import { CoreModule } from './common/core.module.js';
import type { AppConfig } from './config/config.js';
import { AuthModule } from './modules/auth/auth.module.js';
import { UsersModule } from './modules/users/users.module.js';
import { LocationsModule } from './modules/locations/locations.module.js';
import { HealthModule } from './modules/health/health.module.js';
import { DashboardModule } from './modules/dashboard/dashboard.module.js';
import { ExactModule } from './exact/exact.module.js';
import { IntegrationsModule } from './modules/integrations/integrations.module.js';
import { SyncModule } from './modules/sync/sync.module.js';
import { WebhooksModule } from './modules/webhooks/webhooks.module.js';
import { CustomersModule } from './modules/customers/customers.module.js';
import { LedgersModule } from './modules/ledgers/ledgers.module.js';
import { InvoicesModule } from './modules/invoices/invoices.module.js';
import { AccountingExportModule } from './modules/accounting-export/accounting-export.module.js';
import { PaymentsModule } from './modules/payments/payments.module.js';
import { TransactionsModule } from './modules/transactions/transactions.module.js';
import { PlanningBoardModule } from './modules/planning-board/board.module.js';
import { FormOnceModule } from './common/form-once.js';
import { InvoiceSenderModule } from './modules/invoice-sender/invoice-sender.module.js';
import { HealthFeatureRegistryModule } from './modules/connection-health/connection-health.registry.js';
import { ConnectionHealthModule } from './modules/connection-health/connection-health.module.js';
import { PlanningModule } from './modules/planning/planning.module.js';
import { TimeModule } from './modules/time/time.module.js';
import { PlanningOutgoingModule } from './modules/planning-outgoing/outgoing.module.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, databaseUrl: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(config, databaseUrl),
        MikroOrmModule.forRoot({ ...ormConfig(databaseUrl), registerRequestContext: false }),
        HealthModule,
        AuthModule.register(UsersModule),
        UsersModule,
        LocationsModule,
        SyncModule,
        DashboardModule,
        ExactModule,
        IntegrationsModule,
        CustomersModule,
        WebhooksModule,
        LedgersModule,
        InvoicesModule,
        AccountingExportModule,
        PaymentsModule,
        TransactionsModule,
        PlanningBoardModule,
        FormOnceModule,
        InvoiceSenderModule,
        HealthFeatureRegistryModule,
        ConnectionHealthModule,
        TimeModule,
        PlanningOutgoingModule,
        PlanningModule,
      ],
      providers: [OrmShutdownGuard],
    };
  }
}
