import { Module } from '@nestjs/common';
import { InvoicesService } from './invoices.service.js';
import { PdfRenderer } from './pdf/pdf-renderer.service.js';
import { InvoicesController } from './invoices.controller.js';
import { InvoiceListService } from './invoice-list.service.js';
import { ProductsService } from './products.service.js';
import { LocationInvoicingController, ProductsController } from './products.controller.js';
import { InvoiceExportService } from './export/invoice-export.service.js';
import { ExportRunService } from './export/export-run.service.js';
import { ExportController } from './export/export.controller.js';
import { FinalizeService } from './finalize.service.js';
import { LedgersModule } from '../ledgers/ledgers.module.js';
import { CustomersModule } from '../customers/customers.module.js';
import { InvoiceSenderModule } from '../invoice-sender/invoice-sender.module.js';

@Module({
  imports: [LedgersModule, CustomersModule, InvoiceSenderModule],
  providers: [InvoicesService, PdfRenderer, InvoiceListService, ProductsService, InvoiceExportService, ExportRunService, FinalizeService],
  controllers: [InvoicesController, ProductsController, LocationInvoicingController, ExportController],
  exports: [InvoicesService, PdfRenderer, InvoiceListService, ProductsService, InvoiceExportService, ExportRunService],
})
export class InvoicesModule {}
