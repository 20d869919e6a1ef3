import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { LedgersModule } from '../ledgers/ledgers.module.js';
import { CustomersModule } from '../customers/customers.module.js';
import { TransactionsService } from './transactions.service.js';
import { TransactionForwardingService } from './transaction-forwarding.service.js';
import { TransactionsSync } from './transactions.sync.js';
import { TransactionsController } from './transactions.controller.js';
import { TransactionsViewMiddleware } from './transactions.middleware.js';

/**
 * Desk transactions to Exact (issue 18): cash and other transactions per location, one cash entry and one general
 * journal entry per location and day (sync resource `transactions`, 15 min and on demand), the report, the settings.
 */
@Module({
  imports: [LedgersModule, CustomersModule],
  providers: [TransactionsService, TransactionForwardingService, TransactionsSync],
  controllers: [TransactionsController],
  exports: [TransactionsService, TransactionsSync],
})
export class TransactionsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(TransactionsViewMiddleware).forRoutes({ path: 'customers/:id', method: RequestMethod.GET }, { path: 'invoices/:id', method: RequestMethod.GET });
  }
}
