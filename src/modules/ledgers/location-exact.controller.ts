import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Roles } from '../auth/guards.js';
import { render } from '../../common/views.js';
import { flash } from '../../common/flash.js';
import { ValidationError } from '../../common/errors.js';
import { parseForm, toInt } from '../../common/validation.js';
import { ExactError } from '../../exact/errors.js';
import { LocationsService } from '../locations/locations.service.js';
import type { Location } from '../locations/location.entity.js';
import { LedgersService } from './ledgers.service.js';
import { LedgersSync } from './ledgers.sync.js';
import { LocationExactForm } from './ledgers.form.js';
import { toImportView } from './ledgers.view.js';
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
    private readonly sync: SyncService,
  ) {}

  private async model(loc: Location, values: Record<string, unknown>, extra: Record<string, unknown> = {}) {
    const divisions = await this.ledgers.divisionChoices();
    // what was typed is shown again, but only a real division number is looked up
    const chosen = toInt(values.exactDivision ?? loc.exactDivision);
    const known = divisions.some((d) => d.code === loc.exactDivision);
    const [sales, credit, latest, journalsJob] = chosen
      ? await Promise.all([this.ledgers.salesJournals(chosen, 'invoice'), this.ledgers.salesJournals(chosen, 'credit'), this.jobs.latest(chosen, 'gl-accounts'), this.jobs.latest(chosen, 'journals')])
      : [[], [], null, null];
    const opt = (j: { code: string; description: string; type: number }, field: string) => ({ code: j.code, description: j.description, type: j.type, selected: j.code === String(values[field] ?? '') });
    return {
      title: 'ledgers.location.title',
      titleParams: { name: loc.name },
      nav: 'settings',
      location: { id: loc.id, name: loc.name, code: loc.code, exactDivision: loc.exactDivision },
      divisions: divisions.map((d) => ({ ...d, selected: d.code === chosen })),
      unknownDivision: loc.exactDivision && !known ? loc.exactDivision : undefined,
      hasDivisions: divisions.length > 0,
      chosen,
      salesJournals: sales.map((j) => opt(j, 'salesJournalCode')),
      creditJournals: credit.map((j) => opt(j, 'creditJournalCode')),
      noJournals: !!chosen && sales.length === 0,
      // the journal choices reload themselves while the journals of a newly chosen administration are being imported
      journalsPending: !!chosen && sales.length === 0 && (journalsJob?.status === 'queued' || journalsJob?.status === 'running'),
      panel: chosen ? { resource: 'gl-accounts', division: chosen, imp: toImportView(latest) } : undefined,
      values,
      ...extra,
    };
  }

  @Get(':id/exact')
  async form(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number) {
    const loc = await this.locations.get(id);
    render(req, res, 'ledgers/location-exact', await this.model(loc, { exactDivision: loc.exactDivision, salesJournalCode: loc.salesJournalCode, creditJournalCode: loc.creditJournalCode }));
  }

  @Post(':id/exact')
  async save(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number, @Body() body: Record<string, unknown>) {
    const loc = await this.locations.get(id);
    try {
      const input = parseForm(LocationExactForm, body);
      const changing = (input.exactDivision ?? null) !== (loc.exactDivision ?? null);
      if (changing && loc.exactDivision && !input.confirm) {
        // a change of administration is confirmed first: invoices go elsewhere and the accounts are re-synchronised
        const divisions = await this.ledgers.divisionChoices();
        const name = (code?: number | null) => (code ? `${divisions.find((d) => d.code === code)?.description ?? ''} (${code})` : '');
        render(req, res, 'ledgers/location-confirm', {
          title: 'ledgers.location.confirmTitle', titleParams: { name: loc.name }, nav: 'settings',
          location: { id: loc.id, name: loc.name }, from: name(loc.exactDivision), to: input.exactDivision ? name(input.exactDivision) : '',
          values: { exactDivision: input.exactDivision ?? '', salesJournalCode: input.salesJournalCode ?? '', creditJournalCode: input.creditJournalCode ?? '' },
        });
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
      render(req, res, 'ledgers/location-exact', await this.model(loc, body, { errors: e.fieldErrors }), { status: 422 });
    }
  }
}
