import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { InvoicesModule } from '../invoices/invoices.module.js';
import { PaymentsService } from './payments.service.js';
import { PaymentsSync } from './payments.sync.js';
import { PaymentsController } from './payments.controller.js';
import { PaymentsViewMiddleware } from './payments.middleware.js';

/**
 * Payments flowing back from Exact (issue 8): sync resource `payments` (15 min, PaymentTerms cursor), the
 * FinancialTransactions webhook handler `payments`, the payments popup and the detail section.
 * Exports PaymentsService (applyTerms / recompute / forInvoice) and PaymentsSync (run / request).
 */
@Module({
  imports: [InvoicesModule],
  providers: [PaymentsService, PaymentsSync],
  controllers: [PaymentsController],
  exports: [PaymentsService, PaymentsSync],
})
export class PaymentsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(PaymentsViewMiddleware).forRoutes({ path: 'invoices', method: RequestMethod.GET }, { path: 'invoices/:id', method: RequestMethod.GET });
  }
}
