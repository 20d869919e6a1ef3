import { Body, Controller, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { MikroORM } from '@mikro-orm/postgresql';
import { Roles } from '../auth/guards.js';
import { flash } from '../../common/flash.js';
import { isFragmentRequest } from '../../common/views.js';
import { NotFoundError } from '../../common/errors.js';
import { Invoice } from '../invoices/invoice.entity.js';
import { PaymentsService } from './payments.service.js';
import type { InvoicePayment } from './invoice-payment.entity.js';
import { sameOriginPath } from '../../common/return-path.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { IdPipe } from '../../common/id.pipe.js';

export const paymentView = (p: InvoicePayment) => ({
  id: p.id,
  date: p.date,
  amount: p.amount,
  kind: p.kind,
  source: p.source,
  entryId: p.entryId,
  entryNumber: p.entryNumber,
  journalCode: p.journalCode,
  receivableId: p.receivableId,
  transactionLineId: p.transactionLineId,
});

/** The payments popup of an invoice (PlanManager's SHOW_TRANSACTION) and its setting. */
@Controller()
export class PaymentsController {
  constructor(
    private readonly orm: MikroORM,
    private readonly payments: PaymentsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** htmx: the popup fragment; without htmx: the same list as a page. */
  @Get('invoices/:id/payments')
  @Roles('admin', 'accountant')
  async list(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number) {
    const inv = await this.orm.em.fork().findOne(Invoice, { id }, { fields: ['id', 'number', 'kind', 'gross', 'paid', 'open', 'status'] });
    if (!inv) throw new NotFoundError('Invoice not found');
    const items = (await this.payments.forInvoice(id)).map(paymentView);
    const model = {
      title: 'payments.title',
      nav: 'invoices',
      invoice: { id: inv.id, number: inv.number ?? '', gross: inv.gross, paid: inv.paid, open: inv.open, status: inv.status },
      payments: items,
      popup: isFragmentRequest(req),
    };
    if (isFragmentRequest(req)) res.render('fragments/payments/popup', { ...model, layout: false });
    else res.render('fragments/payments/popup', model);
  }

  @Post('settings/payments')
  @Roles('admin', 'accountant')
  async saveSettings(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>) {
    const on = body.showTransactions === 'on' || body.showTransactions === 'true' || body.showTransactions === true;
    await this.payments.setShowTransactions(on);
    flash(req, 'success', 'payments.saved');
    const back = sameOriginPath(body.back, this.config.publicBaseUrl, '/invoices');
    res.redirect(303, back);
  }
}
