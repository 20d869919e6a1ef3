import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { TransactionsService } from './transactions.service.js';
import { toTransactionView } from './transactions.view.js';

/**
 * The desk transactions of a customer or an invoice for their detail pages (res.locals.deskTransactions, shown by
 * the partial fragments/transactions/section), so the customers and invoices controllers know nothing of this module.
 * Only for the roles that may open Accounting → Transactions.
 */
@Injectable()
export class TransactionsViewMiddleware implements NestMiddleware {
  constructor(private readonly transactions: TransactionsService) {}

  async use(req: Request, res: Response, next: NextFunction): Promise<void> {
    try {
      const role = req.user?.role;
      if (req.method === 'GET' && (role === 'admin' || role === 'accountant')) {
        const path = req.originalUrl.split('?')[0].replace(/\/+$/, '');
        const m = /^\/(customers|invoices)\/(\d{1,9})$/.exec(path);
        if (m) {
          const id = Number(m[2]);
          const by = m[1] === 'customers' ? { customerId: id } : { invoiceId: id };
          const items = (await this.transactions.recentFor(by)).map((t) => toTransactionView(t));
          res.locals.deskTransactions = { items, newHref: `/accounting/transactions/new?${m[1] === 'customers' ? 'customerId' : 'invoiceId'}=${id}`, allHref: `/accounting/transactions?${m[1] === 'customers' ? 'customerId' : 'invoiceId'}=${id}` };
        }
      }
      next();
    } catch (e) {
      next(e);
    }
  }
}
