import { Module, forwardRef } from '@nestjs/common';
import { InvoicesService } from './invoices.service.js';
import { PdfRenderer } from './pdf/pdf-renderer.service.js';
import { InvoicesController } from './invoices.controller.js';
import { InvoiceListService } from './invoice-list.service.js';
import { InvoicePagesService } from './invoice-pages.service.js';
import { InvoicePageRegistry } from './invoices.types.js';
import { LocationInvoicingController } from './location-invoicing.controller.js';
import { FinalizeService } from './finalize.service.js';
import { LedgersModule } from '../ledgers/ledgers.module.js';
import { CustomersModule } from '../customers/customers.module.js';
import { ProductsModule } from '../products/products.module.js';
import { AccountingExportModule } from '../accounting-export/accounting-export.module.js';
import { InvoiceSenderModule } from '../invoice-sender/invoice-sender.module.js';

@Module({
  imports: [LedgersModule, CustomersModule, ProductsModule, InvoiceSenderModule, forwardRef(() => AccountingExportModule)],
  providers: [InvoicesService, PdfRenderer, InvoiceListService, InvoicePagesService, InvoicePageRegistry, FinalizeService],
  controllers: [InvoicesController, LocationInvoicingController],
  exports: [InvoicesService, PdfRenderer, InvoiceListService, InvoicePageRegistry],
})
export class InvoicesModule {}
