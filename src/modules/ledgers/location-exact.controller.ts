import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Roles } from '../auth/guards.js';
import { render } from '../../common/views.js';
import { flash } from '../../common/flash.js';
import { ValidationError } from '../../common/errors.js';
import { parseForm } from '../../common/validation.js';
import { ExactError } from '../../exact/errors.js';
import { LocationsService } from '../locations/locations.service.js';
import { LedgersService } from './ledgers.service.js';
import { LedgersSync } from './ledgers.sync.js';
import { LocationExactForm } from './ledgers.form.js';
import { LedgerPagesService } from './ledger-pages.service.js';
import { exactProblem } from './ledgers.controller.js';
import { IdPipe } from '../../common/id.pipe.js';
import { SyncService } from '../sync/sync.service.js';
import { HEALTH_RESOURCE } from '../connection-health/connection-health.types.js';

/**
 * Settings → Locations → Exact: the administration (division) of a location and its sales journals per
 * invoice type. Changing the administration asks for confirmation, then runs "Synchronise accounts" once.
 */
@Controller('settings/locations')
@Roles('admin')
export class LocationExactController {
  constructor(
    private readonly locations: LocationsService,
    private readonly ledgers: LedgersService,
    private readonly jobs: LedgersSync,
    private readonly pages: LedgerPagesService,
    private readonly sync: SyncService,
  ) {}

  @Get(':id/exact')
  async form(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number) {
    render(req, res, 'ledgers/location-exact', await this.pages.locationExact(id));
  }

  @Post(':id/exact')
  async save(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number, @Body() body: Record<string, unknown>) {
    const loc = await this.locations.get(id);
    try {
      const input = parseForm(LocationExactForm, body);
      const changing = (input.exactDivision ?? null) !== (loc.exactDivision ?? null);
      if (changing && loc.exactDivision && !input.confirm) {
        // a change of administration is confirmed first: invoices go elsewhere and the accounts are re-synchronised
        render(req, res, 'ledgers/location-confirm', await this.pages.locationExactConfirm(loc, input));
        return;
      }
      const { divisionChanged, location } = await this.ledgers.setLocationExact(id, body);
      flash(req, 'success', 'ledgers.location.saved', { name: location.name });
      if (divisionChanged && location.exactDivision) {
        const division = location.exactDivision;
        try {
          await this.jobs.request(division, 'gl-accounts', 'synchronise', { trigger: 'location' });
          await this.jobs.request(division, 'journals', 'import', { trigger: 'location' });
          await this.jobs.request(division, 'vat-codes', 'import', { trigger: 'location' });
          flash(req, 'info', 'ledgers.location.synchronising', { division });
        } catch (e) {
          if (!(e instanceof ExactError)) throw e;
          const p = exactProblem(e);
          flash(req, 'error', p.key, { ...p.params, exactMessage: p.exactMessage ?? '' });
        }
      }
      // the connection health of the administration is checked again (after the imports above have had their turn)
      if (location.exactDivision) await this.sync.enqueue(location.exactDivision, HEALTH_RESOURCE, 'location', { startAfterSeconds: divisionChanged ? 60 : 0 });
      res.redirect(303, `/settings/locations/${id}/exact`);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      render(req, res, 'ledgers/location-exact', await this.pages.locationExact(id, { values: body, errors: e.fieldErrors }), { status: 422 });
    }
  }
}
