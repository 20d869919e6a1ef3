import { Module } from '@nestjs/common';
import { InvoicesService } from './invoices.service.js';
import { PdfRenderer } from './pdf/pdf-renderer.service.js';

@Module({
  providers: [InvoicesService, PdfRenderer],
  exports: [InvoicesService, PdfRenderer],
})
export class InvoicesModule {}
