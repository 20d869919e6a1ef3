import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Roles } from '../auth/guards.js';
import { render } from '../../common/views.js';
import { flash } from '../../common/flash.js';
import { ValidationError } from '../../common/errors.js';
import { IdPipe } from '../../common/id.pipe.js';
import { InvoicesService } from './invoices.service.js';
import { withCheckbox } from '../products/products.view.js';

/** Settings → Locations → Invoicing: the location's defaults (the last fallback), export mode, payment term, numbering, IBAN. */
@Controller('settings/locations')
@Roles('admin', 'accountant')
export class LocationInvoicingController {
  constructor(private readonly invoices: InvoicesService) {}

  @Get(':id/invoicing')
  async form(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number) {
    render(req, res, 'products/location-invoicing', await this.invoices.locationInvoicingPage(id));
  }

  @Post(':id/invoicing')
  async save(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number, @Body() body: Record<string, unknown>) {
    try {
      const loc = await this.invoices.saveLocationInvoicing(id, body);
      flash(req, 'success', 'invoices.locationSettings.saved', { name: loc.name });
      res.redirect(303, `/settings/locations/${id}/invoicing`);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      render(req, res, 'products/location-invoicing', await this.invoices.locationInvoicingPage(id, { values: withCheckbox(body, 'includePdf'), errors: e.fieldErrors }), { status: 422 });
    }
  }
}
