import { Module, type OnApplicationBootstrap } from '@nestjs/common';
import { CustomersService } from './customers.service.js';
import { CustomerExportService } from './customer-export.service.js';
import { CustomersController } from './customers.controller.js';
import { CustomersSync } from './customers.sync.js';

/**
 * Customers and their Exact accounts. Exports for other modules:
 * - CustomersService.onExactAccountChanged(division, accountId, 'Update' | 'Delete') — the Accounts webhook handler
 * - CustomersService.resolve(customerId) — follows a customer merged into another one
 * - CustomerExportService.preflight / ensureInExact / exportChanged — see customer-export.service.ts
 */
@Module({
  providers: [CustomersService, CustomerExportService, CustomersSync],
  controllers: [CustomersController],
  exports: [CustomersService, CustomerExportService],
})
export class CustomersModule implements OnApplicationBootstrap {
  constructor(private readonly exporter: CustomerExportService) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.exporter.failStaleExports().catch(() => undefined);
  }
}
