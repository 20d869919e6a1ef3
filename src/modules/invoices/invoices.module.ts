import { Module } from '@nestjs/common';
import { InvoicesService } from './invoices.service.js';
import { PdfRenderer } from './pdf/pdf-renderer.service.js';
import { InvoicesController } from './invoices.controller.js';
import { InvoiceListService } from './invoice-list.service.js';
import { InvoicePagesService } from './invoice-pages.service.js';
import { InvoicePageRegistry } from './invoices.types.js';
import { LocationInvoicingController } from './location-invoicing.controller.js';
import { InvoiceExportService } from './export/invoice-export.service.js';
import { ExportRunService } from './export/export-run.service.js';
import { ExportController } from './export/export.controller.js';
import { FinalizeService } from './finalize.service.js';
import { LedgersModule } from '../ledgers/ledgers.module.js';
import { CustomersModule } from '../customers/customers.module.js';
import { ProductsModule } from '../products/products.module.js';

@Module({
  imports: [LedgersModule, CustomersModule, ProductsModule],
  providers: [InvoicesService, PdfRenderer, InvoiceListService, InvoicePagesService, InvoicePageRegistry, InvoiceExportService, ExportRunService, FinalizeService],
  controllers: [InvoicesController, LocationInvoicingController, ExportController],
  exports: [InvoicesService, PdfRenderer, InvoiceListService, InvoicePageRegistry, InvoiceExportService, ExportRunService],
})
export class InvoicesModule {}
