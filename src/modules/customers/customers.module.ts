import { Module, type OnModuleInit } from '@nestjs/common';
import { WebhookHandlers } from '../webhooks/webhook.handlers.js';
import { CustomersService as Customers } from './customers.service.js';
import { CustomersService } from './customers.service.js';
import { CustomerExportService } from './customer-export.service.js';
import { CustomerExportRuns } from './customer-export.runs.js';
import { CustomersController } from './customers.controller.js';
import { CustomerPagesService } from './customer-pages.service.js';
import { CustomersSync } from './customers.sync.js';
import { CustomerPageRegistry } from './customers.types.js';

/**
 * Customers and their Exact accounts. Exports for other modules:
 * - CustomersService.onExactAccountChanged(division, accountId, 'Update' | 'Delete') — the Accounts webhook handler
 * - CustomersService.resolve(customerId) — follows a customer merged into another one
 * - CustomerExportService.preflight / ensureInExact / exportChanged — see customer-export.service.ts
 * - CustomerPageRegistry.addToDetail(section) — what another module shows on a customer's detail page
 */
@Module({
  providers: [CustomersService, CustomerExportService, CustomerExportRuns, CustomersSync, CustomerPagesService, CustomerPageRegistry],
  controllers: [CustomersController],
  exports: [CustomersService, CustomerExportService, CustomerPageRegistry],
})
export class CustomersModule implements OnModuleInit {
  constructor(
    private readonly customers: Customers,
    private readonly webhooks: WebhookHandlers,
  ) {}

  /** New and changed Exact accounts arrive by webhook (topic Accounts); the 15-minute sync is the fallback. */
  onModuleInit(): void {
    this.webhooks.register('Accounts', async (e) => void (await this.customers.onExactAccountChanged(e.division, e.key, e.action)), { name: 'customers', fold: 'key' });
  }
}
