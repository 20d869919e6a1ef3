import { Module, forwardRef } from '@nestjs/common';
import { InvoiceExportService } from './invoice-export.service.js';
import { ExportRunService } from './accounting-export.service.js';
import { ExportController } from './accounting-export.controller.js';
import { InvoicesModule } from '../invoices/invoices.module.js';
import { LedgersModule } from '../ledgers/ledgers.module.js';
import { CustomersModule } from '../customers/customers.module.js';

/**
 * Accounting → Export: invoices (with their customers) to Exact sales entries. The per-invoice exactly-once step
 * (InvoiceExportService), the export runs (ExportRunService: sync-engine jobs) and the screen.
 * Invoices' finalize preflight uses InvoiceExportService.prepare, hence the forward reference both ways.
 */
@Module({
  imports: [forwardRef(() => InvoicesModule), LedgersModule, CustomersModule],
  providers: [InvoiceExportService, ExportRunService],
  controllers: [ExportController],
  exports: [InvoiceExportService, ExportRunService],
})
export class AccountingExportModule {}
