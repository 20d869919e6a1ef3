import { Body, Controller, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Roles } from '../auth/guards.js';
import { flash } from '../../common/flash.js';
import { isFragmentRequest } from '../../common/views.js';
import { PaymentsService } from './payments.service.js';
import { sameOriginPath } from '../../common/return-path.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { IdPipe } from '../../common/id.pipe.js';

/** The payments popup of an invoice (PlanManager's SHOW_TRANSACTION) and its setting. */
@Controller()
export class PaymentsController {
  constructor(
    private readonly payments: PaymentsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** htmx: the popup fragment; without htmx: the same list as a page. */
  @Get('invoices/:id/payments')
  @Roles('admin', 'accountant')
  async list(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number) {
    const model = await this.payments.popup(id, isFragmentRequest(req));
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
