import { Module, OnModuleInit } from '@nestjs/common';
import { LedgersModule } from '../ledgers/ledgers.module.js';
import { InvoicesModule } from '../invoices/invoices.module.js';
import { PaymentsService } from './payments.service.js';
import { PaymentsSync } from './payments.sync.js';
import { PaymentsController } from './payments.controller.js';
import { InvoicePageRegistry } from '../invoices/invoices.types.js';

/**
 * Payments flowing back from Exact (issue 8): sync resource `payments` (15 min, PaymentTerms cursor), the
 * FinancialTransactions webhook handler `payments`, the payments popup and the detail section.
 * Registers its sections of the invoice pages with InvoicePageRegistry.
 * Exports PaymentsService (applyTerms / recompute / forInvoice) and PaymentsSync (run / request).
 */
@Module({
  imports: [InvoicesModule, LedgersModule],
  providers: [PaymentsService, PaymentsSync],
  controllers: [PaymentsController],
  exports: [PaymentsService, PaymentsSync],
})
export class PaymentsModule implements OnModuleInit {
  constructor(
    private readonly pages: InvoicePageRegistry,
    private readonly payments: PaymentsService,
  ) {}

  /** The payments on the invoice pages: the popup setting on the list, the payments section on the detail page. */
  onModuleInit(): void {
    this.pages.addToList((user) => this.payments.listValues(user));
    this.pages.addToDetail((id) => this.payments.detailValues(id));
  }
}
