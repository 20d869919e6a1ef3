import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Roles } from '../auth/guards.js';
import { InvoiceSenderService } from './invoice-sender.service.js';
import { senderLocationRows, senderMeta, senderValues } from './invoice-sender.view.js';
import { uploadedLogo } from './invoice-sender.upload.js';
import { COUNTRIES } from '../locations/location.form.js';
import { LOGO_MAX_BYTES } from './invoice-sender.form.js';
import { render } from '../../common/views.js';
import { flash } from '../../common/flash.js';
import { ValidationError } from '../../common/errors.js';
import { IdPipe } from '../../common/id.pipe.js';

const BASE = '/settings/invoice-sender';
const common = { nav: 'settings', countries: COUNTRIES, logoMaxKb: LOGO_MAX_BYTES / 1024 };

/** Settings → Invoice sender: the company-wide sender of invoice PDFs and each location's own (admin). */
@Controller('settings/invoice-sender')
@Roles('admin')
export class InvoiceSenderController {
  constructor(private readonly senders: InvoiceSenderService) {}

  @Get()
  async company(@Req() req: Request, @Res() res: Response) {
    const [s, { locations, own }] = await Promise.all([this.senders.get(), this.senders.overview()]);
    render(req, res, 'invoice-sender/company', { ...common, title: 'sender.title', action: BASE, values: senderValues(s), ...senderMeta(s, `${BASE}/logo`), locations: senderLocationRows(locations, own) });
  }

  @Post()
  async saveCompany(@Req() req: Request, @Res() res: Response) {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const upload = uploadedLogo(req);
    try {
      await this.senders.save(undefined, body, upload.file, upload.error);
      flash(req, 'success', 'sender.saved');
      res.redirect(303, BASE);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      const [s, { locations, own }] = await Promise.all([this.senders.get(), this.senders.overview()]);
      render(req, res, 'invoice-sender/company', { ...common, title: 'sender.title', action: BASE, values: body, ...senderMeta(s, `${BASE}/logo`), locations: senderLocationRows(locations, own), errors: e.fieldErrors }, { status: 422 });
    }
  }

  @Get('logo')
  async companyLogo(@Res() res: Response) {
    sendLogo(res, await this.senders.logo());
  }

  @Get('locations/:id')
  async location(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number) {
    const [loc, s] = await Promise.all([this.senders.location(id), this.senders.get(id)]);
    render(req, res, 'invoice-sender/location', { ...common, title: 'sender.locationTitle', titleParams: { name: loc.name }, id, name: loc.name, action: `${BASE}/locations/${id}`, values: senderValues(s), ...senderMeta(s, `${BASE}/locations/${id}/logo`) });
  }

  @Post('locations/:id')
  async saveLocation(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number) {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const upload = uploadedLogo(req);
    try {
      await this.senders.save(id, body, upload.file, upload.error);
      const loc = await this.senders.location(id);
      flash(req, 'success', 'sender.locationSaved', { name: loc.name });
      res.redirect(303, BASE);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      const [loc, s] = await Promise.all([this.senders.location(id), this.senders.get(id)]);
      render(req, res, 'invoice-sender/location', { ...common, title: 'sender.locationTitle', titleParams: { name: loc.name }, id, name: loc.name, action: `${BASE}/locations/${id}`, values: body, ...senderMeta(s, `${BASE}/locations/${id}/logo`), errors: e.fieldErrors }, { status: 422 });
    }
  }

  @Post('locations/:id/reset')
  async reset(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number) {
    const loc = await this.senders.reset(id);
    flash(req, 'success', 'sender.reset', { name: loc.name });
    res.redirect(303, BASE);
  }

  @Get('locations/:id/logo')
  async locationLogo(@Res() res: Response, @Param('id', IdPipe) id: number) {
    sendLogo(res, await this.senders.logo(id));
  }
}

/** Our own stored bytes, with their checked type; never sniffed, never shown as a page. */
function sendLogo(res: Response, logo: { bytes: Buffer; type: string }): void {
  res.setHeader('Content-Type', logo.type);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Disposition', 'inline; filename="logo"');
  res.setHeader('Content-Security-Policy', "default-src 'none'");
  res.send(logo.bytes);
}
