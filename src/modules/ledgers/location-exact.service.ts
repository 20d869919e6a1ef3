import { Injectable } from '@nestjs/common';
import type { FlashMessage } from '../../common/flash.js';
import { parseForm } from '../../common/validation.js';
import { ExactError } from '../../exact/errors.js';
import { LocationsService } from '../locations/locations.service.js';
import { SyncService } from '../sync/sync.service.js';
import { HEALTH_RESOURCE } from '../connection-health/connection-health.types.js';
import { LedgersService } from './ledgers.service.js';
import { LedgersSync } from './ledgers.sync.js';
import { LedgerPagesService } from './ledger-pages.service.js';
import { LocationExactForm } from './ledgers.form.js';
import { exactProblem } from './ledgers.view.js';

/** What saving a location's administration came to: a question first (a change of administration), or saved with its messages. */
export type LocationExactOutcome =
  | { confirm: Awaited<ReturnType<LedgerPagesService['locationExactConfirm']>> }
  | { saved: FlashMessage[] };

/**
 * Settings → Locations → Exact: saving the administration (division) and sales journals of a location, and the work
 * that follows it. A change of administration is confirmed first; once saved, the new administration's accounts,
 * journals and VAT codes are fetched (sync-engine jobs, trigger 'location'), and its connection health is checked
 * again after those had their turn.
 */
@Injectable()
export class LocationExactService {
  constructor(
    private readonly locations: LocationsService,
    private readonly ledgers: LedgersService,
    private readonly jobs: LedgersSync,
    private readonly pages: LedgerPagesService,
    private readonly sync: SyncService,
  ) {}

  /** ValidationError for bad input (the form comes back with what was typed). */
  async save(id: number, body: Record<string, unknown>): Promise<LocationExactOutcome> {
    const loc = await this.locations.get(id);
    const input = parseForm(LocationExactForm, body);
    const changing = (input.exactDivision ?? null) !== (loc.exactDivision ?? null);
    if (changing && loc.exactDivision && !input.confirm) {
      // a change of administration is confirmed first: invoices go elsewhere and the accounts are re-synchronised
      return { confirm: await this.pages.locationExactConfirm(loc, input) };
    }
    const { divisionChanged, location } = await this.ledgers.setLocationExact(id, body);
    const messages: FlashMessage[] = [{ kind: 'success', key: 'ledgers.location.saved', params: { name: location.name } }];
    if (divisionChanged && location.exactDivision) messages.push(await this.fetchLedgers(location.exactDivision));
    // the connection health of the administration is checked again (after the imports above have had their turn)
    if (location.exactDivision) await this.sync.enqueue(location.exactDivision, HEALTH_RESOURCE, 'location', { startAfterSeconds: divisionChanged ? 60 : 0 });
    return { saved: messages };
  }

  /** "Synchronise accounts" once, with the journals and VAT codes, for a location's new administration. */
  private async fetchLedgers(division: number): Promise<FlashMessage> {
    try {
      await this.jobs.request(division, 'gl-accounts', 'synchronise', { trigger: 'location' });
      await this.jobs.request(division, 'journals', 'import', { trigger: 'location' });
      await this.jobs.request(division, 'vat-codes', 'import', { trigger: 'location' });
      return { kind: 'info', key: 'ledgers.location.synchronising', params: { division } };
    } catch (e) {
      if (!(e instanceof ExactError)) throw e;
      const p = exactProblem(e);
      return { kind: 'error', key: p.key, params: { ...p.params, exactMessage: p.exactMessage ?? '' } };
    }
  }
}
