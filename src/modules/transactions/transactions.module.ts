import { Module, type OnModuleInit } from '@nestjs/common';
import { LedgersModule } from '../ledgers/ledgers.module.js';
import { CustomersModule } from '../customers/customers.module.js';
import { CustomerPageRegistry } from '../customers/customers.types.js';
import { InvoicesModule } from '../invoices/invoices.module.js';
import { InvoicePageRegistry } from '../invoices/invoices.types.js';
import { TransactionsService } from './transactions.service.js';
import { TransactionForwardingService } from './transaction-forwarding.service.js';
import { TransactionsSync } from './transactions.sync.js';
import { TransactionsController } from './transactions.controller.js';
import { HealthFeatureRegistry } from '../connection-health/connection-health.registry.js';
import { TRANSACTIONS_FEATURE } from './transactions.health.js';

/**
 * Desk transactions to Exact (issue 18): cash and other transactions per location, one cash entry and one general
 * journal entry per location and day (sync resource `transactions`, 15 min and on demand), the report, the settings.
 * Registers its section of the customer and invoice detail pages with CustomerPageRegistry and InvoicePageRegistry.
 */
@Module({
  imports: [LedgersModule, CustomersModule, InvoicesModule],
  providers: [TransactionsService, TransactionForwardingService, TransactionsSync],
  controllers: [TransactionsController],
  exports: [TransactionsService, TransactionsSync],
})
export class TransactionsModule implements OnModuleInit {
  constructor(
    private readonly transactions: TransactionsService,
    private readonly customerPages: CustomerPageRegistry,
    private readonly invoicePages: InvoicePageRegistry,
    private readonly health: HealthFeatureRegistry,
  ) {}

  /** The desk transactions of a customer and of an invoice on their detail pages; the feature on the Health page. */
  onModuleInit(): void {
    this.health.register(TRANSACTIONS_FEATURE);
    this.customerPages.addToDetail((customerId, user) => this.transactions.detailSection({ customerId }, user));
    this.invoicePages.addToDetail((invoiceId, user) => this.transactions.detailSection({ invoiceId }, user));
  }
}
