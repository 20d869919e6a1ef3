import { Module } from '@nestjs/common';
import { ProductsService } from './products.service.js';
import { ProductsController } from './products.controller.js';
import { LedgersModule } from '../ledgers/ledgers.module.js';

/** Products and product groups: the defaults an invoice line takes (line → product → group → location). */
@Module({
  imports: [LedgersModule],
  providers: [ProductsService],
  controllers: [ProductsController],
  exports: [ProductsService],
})
export class ProductsModule {}
