import { Module } from '@nestjs/common';
import { InvoiceSenderService } from './invoice-sender.service.js';
import { InvoiceSenderController } from './invoice-sender.controller.js';

@Module({ providers: [InvoiceSenderService], controllers: [InvoiceSenderController], exports: [InvoiceSenderService] })
export class InvoiceSenderModule {}
