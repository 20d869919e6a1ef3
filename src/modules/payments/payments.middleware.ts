import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { PaymentsService } from './payments.service.js';
import { paymentView } from './payments.controller.js';

/**
 * Puts the payments bits into res.locals for the invoice templates, so the invoices controller needs no
 * knowledge of this module: on the list `paymentsPopup` (the SHOW_TRANSACTION-like setting), on the detail
 * page `invoicePayments` (the payments section).
 */
@Injectable()
export class PaymentsViewMiddleware implements NestMiddleware {
  constructor(private readonly payments: PaymentsService) {}

  async use(req: Request, res: Response, next: NextFunction): Promise<void> {
    try {
      if (req.method === 'GET') {
        const path = req.originalUrl.split('?')[0].replace(/\/+$/, '');
        const detail = /^\/invoices\/(\d+)$/.exec(path);
        if (path === '/invoices') {
          res.locals.paymentsPopup = await this.payments.showTransactions();
          res.locals.paymentsCanConfigure = req.user?.role === 'admin' || req.user?.role === 'accountant';
        } else if (detail) {
          res.locals.invoicePayments = (await this.payments.forInvoice(Number(detail[1]))).map(paymentView);
        }
      }
      next();
    } catch (e) {
      next(e);
    }
  }
}
