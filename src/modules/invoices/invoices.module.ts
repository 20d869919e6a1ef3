import { Module, forwardRef } from '@nestjs/common';
import { InvoicesService } from './invoices.service.js';
import { PdfRenderer } from './pdf/pdf-renderer.service.js';
import { InvoicesController } from './invoices.controller.js';
import { InvoiceListService } from './invoice-list.service.js';
import { ProductsService } from './products.service.js';
import { LocationInvoicingController, ProductsController } from './products.controller.js';
import { FinalizeService } from './finalize.service.js';
import { LedgersModule } from '../ledgers/ledgers.module.js';
import { CustomersModule } from '../customers/customers.module.js';
import { AccountingExportModule } from '../accounting-export/accounting-export.module.js';

@Module({
  imports: [LedgersModule, CustomersModule, forwardRef(() => AccountingExportModule)],
  providers: [InvoicesService, PdfRenderer, InvoiceListService, ProductsService, FinalizeService],
  controllers: [InvoicesController, ProductsController, LocationInvoicingController],
  exports: [InvoicesService, PdfRenderer, InvoiceListService, ProductsService],
})
export class InvoicesModule {}
