import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Roles } from '../auth/guards.js';
import { render } from '../../common/views.js';
import { flash } from '../../common/flash.js';
import { ValidationError } from '../../common/errors.js';
import { LedgerPagesService } from './ledger-pages.service.js';
import { LocationExactService } from './location-exact.service.js';
import { IdPipe } from '../../common/id.pipe.js';

/**
 * Settings → Locations → Exact: the administration (division) of a location and its sales journals per
 * invoice type. Changing the administration asks for confirmation, then runs "Synchronise accounts" once.
 */
@Controller('settings/locations')
@Roles('admin')
export class LocationExactController {
  constructor(
    private readonly locationExact: LocationExactService,
    private readonly pages: LedgerPagesService,
  ) {}

  @Get(':id/exact')
  async form(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number) {
    render(req, res, 'ledgers/location-exact', await this.pages.locationExact(id));
  }

  @Post(':id/exact')
  async save(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number, @Body() body: Record<string, unknown>) {
    try {
      const outcome = await this.locationExact.save(id, body);
      if ('confirm' in outcome) return render(req, res, 'ledgers/location-confirm', outcome.confirm);
      for (const m of outcome.saved) flash(req, m.kind, m.key, m.params);
      res.redirect(303, `/settings/locations/${id}/exact`);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      render(req, res, 'ledgers/location-exact', await this.pages.locationExact(id, { values: body, errors: e.fieldErrors }), { status: 422 });
    }
  }
}
