import { Injectable } from '@nestjs/common';
import { ExactConnectionService } from '../../exact/connection.service.js';
import { toInt } from '../../common/validation.js';
import { LocationsService } from '../locations/locations.service.js';
import type { Location } from '../locations/location.entity.js';
import { LedgersService } from './ledgers.service.js';
import { LedgersSync } from './ledgers.sync.js';
import { LedgerSettingsService } from './ledger-settings.service.js';
import type { LedgerResource } from './ledger-import.entity.js';
import { costRow, glAccountValues, journalRow, toGlAccountRow, toImportView, vatCodeView, vatRateRow } from './ledgers.view.js';

export type LedgerTab = 'overview' | 'gl-accounts' | 'journals' | 'vat' | 'cost-centers';
const GL_STATUSES = ['linked', 'missing', 'blocked', 'unchecked'];

/** The reads behind the Accounting screens, each returned as a view model (ledgers.view.ts). */
@Injectable()
export class LedgerPagesService {
  constructor(
    private readonly ledgers: LedgersService,
    private readonly jobs: LedgersSync,
    private readonly settings: LedgerSettingsService,
    private readonly connection: ExactConnectionService,
    private readonly locations: LocationsService,
  ) {}

  /** Shared model: divisions to choose from, the chosen one, connection state. */
  async base(raw: Record<string, unknown>, tab: LedgerTab) {
    const divisions = await this.ledgers.divisionChoices();
    const asked = Number.parseInt(String(raw.division ?? ''), 10);
    const division = divisions.some((d) => d.code === asked) ? asked : await this.ledgers.defaultDivision(divisions);
    const state = await this.connection.connectionState();
    return {
      nav: 'accounting',
      tab,
      divisions: divisions.map((d) => ({ ...d, selected: d.code === division })),
      division,
      divisionName: divisions.find((d) => d.code === division)?.description,
      connected: state === 'connected',
      needsReconnect: state === 'needs_reconnect',
    };
  }

  /** The progress / summary panel of the latest import of a resource in a division. */
  async importPanel(division: number | undefined, resource: LedgerResource) {
    if (!division) return undefined;
    return { resource, division, imp: toImportView(await this.jobs.latest(division, resource)) };
  }

  async overview(raw: Record<string, unknown>) {
    const base = await this.base(raw, 'overview');
    const [rows, settings] = await Promise.all([this.ledgers.glAccounts(), this.settings.get()]);
    const cards = [];
    for (const d of base.divisions) {
      const counts = { linked: 0, missing: 0, blocked: 0, unchecked: 0 };
      for (const r of rows) counts[(r.links.get(d.code)?.status ?? 'unchecked') as keyof typeof counts]++;
      const [journals, lookup] = await Promise.all([this.ledgers.journals(d.code), this.ledgers.exportLookup(d.code)]);
      cards.push({ code: d.code, description: d.description, counts, journals: journals.length, problems: lookup.problems });
    }
    return { title: 'ledgers.title', ...base, glTotal: rows.length, cards, costEnabled: settings.costDimensionsEnabled };
  }

  async glAccounts(raw: Record<string, unknown>) {
    const base = await this.base(raw, 'gl-accounts');
    const q = typeof raw.q === 'string' ? raw.q.trim().slice(0, 60) : '';
    const status = typeof raw.status === 'string' && GL_STATUSES.includes(raw.status) ? raw.status : '';
    let rows = (await this.ledgers.glAccounts(q || undefined)).map((r) => toGlAccountRow(r.account, r.links, base.divisions));
    if (status && base.division) rows = rows.filter((r) => r.links.find((l) => l.division === base.division)?.status === status);
    return { title: 'ledgers.gl.title', ...base, rows, q, status, panel: await this.importPanel(base.division, 'gl-accounts') };
  }

  /** The GL account form: a new one, a stored one, or what was typed with the errors. */
  async glForm(id?: number, typed?: { values: Record<string, unknown>; errors: unknown }) {
    const common = { nav: 'accounting', tab: 'gl-accounts' };
    if (!id) return { title: 'ledgers.gl.new', ...common, action: '/accounting/gl-accounts', values: typed?.values ?? {}, ...(typed ? { errors: typed.errors } : {}) };
    if (typed) return { title: 'ledgers.gl.edit', titleParams: { number: String(typed.values.number ?? '') }, ...common, action: `/accounting/gl-accounts/${id}`, id, values: typed.values, errors: typed.errors };
    const a = await this.ledgers.glAccount(id);
    return { title: 'ledgers.gl.edit', titleParams: { number: a.number }, ...common, action: `/accounting/gl-accounts/${id}`, id, values: glAccountValues(a) };
  }

  async journals(raw: Record<string, unknown>) {
    const base = await this.base(raw, 'journals');
    const journals = base.division ? await this.ledgers.journals(base.division) : [];
    return { title: 'ledgers.journals.title', ...base, rows: journals.map(journalRow), panel: await this.importPanel(base.division, 'journals') };
  }

  async vat(raw: Record<string, unknown>, extra: Record<string, unknown> = {}) {
    const base = await this.base(raw, 'vat');
    const division = base.division;
    const [rates, codes, mappings, lookup] = division
      ? await Promise.all([this.ledgers.vatRates(), this.ledgers.vatCodes(division), this.ledgers.vatMappings(division), this.ledgers.exportLookup(division)])
      : [await this.ledgers.vatRates(), [], new Map(), undefined];
    const codeViews = codes.map(vatCodeView);
    const usable = codeViews.filter((c) => !c.blocked && !c.missing);
    const rateRows = rates.map((r) => vatRateRow(r, mappings.get(r.id), lookup?.checkVatRate(r.id), usable));
    return { title: 'ledgers.vat.title', ...base, codes: codeViews, rates: rateRows, panel: await this.importPanel(division, 'vat-codes'), ...extra };
  }

  async costCenters(raw: Record<string, unknown>, extra: Record<string, unknown> = {}) {
    const base = await this.base(raw, 'cost-centers');
    const settings = await this.settings.get();
    const view = async (kind: 'center' | 'unit') => (await this.ledgers.costDimensions(kind)).map(({ item, links }) => costRow(item, links, base.divisions));
    const [centers, units] = await Promise.all([view('center'), view('unit')]);
    return { title: 'ledgers.cost.title', ...base, settings, centers, units, panel: await this.importPanel(base.division, 'cost-centers'), values: {}, ...extra };
  }

  /** Settings → Locations → Exact: the location's administration and sales journals (stored, or typed with errors). */
  async locationExact(id: number, typed?: { values: Record<string, unknown>; errors: unknown }) {
    const loc = await this.locations.get(id);
    const values = typed?.values ?? { exactDivision: loc.exactDivision, salesJournalCode: loc.salesJournalCode, creditJournalCode: loc.creditJournalCode };
    const divisions = await this.ledgers.divisionChoices();
    // what was typed is shown again, but only a real division number is looked up
    const chosen = toInt(values.exactDivision ?? loc.exactDivision);
    const known = divisions.some((d) => d.code === loc.exactDivision);
    // the journals import's state is read before the journals themselves: an import seen finished has committed its
    // journals, so the choices are there; read together, the journals could be read just before the import committed
    // them and its state just after, and the choices would stop reloading with none shown
    const journalsJob = chosen ? await this.jobs.latest(chosen, 'journals') : null;
    const [sales, credit, latest] = chosen
      ? await Promise.all([this.ledgers.salesJournals(chosen, 'invoice'), this.ledgers.salesJournals(chosen, 'credit'), this.jobs.latest(chosen, 'gl-accounts')])
      : [[], [], null];
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
      ...(typed ? { errors: typed.errors } : {}),
    };
  }

  /** A change of administration is confirmed first: invoices go elsewhere and the accounts are re-synchronised. */
  async locationExactConfirm(loc: Pick<Location, 'id' | 'name' | 'exactDivision'>, input: { exactDivision?: number | null; salesJournalCode?: string | null; creditJournalCode?: string | null }) {
    const divisions = await this.ledgers.divisionChoices();
    const name = (code?: number | null) => (code ? `${divisions.find((d) => d.code === code)?.description ?? ''} (${code})` : '');
    return {
      title: 'ledgers.location.confirmTitle', titleParams: { name: loc.name }, nav: 'settings',
      location: { id: loc.id, name: loc.name }, from: name(loc.exactDivision), to: input.exactDivision ? name(input.exactDivision) : '',
      values: { exactDivision: input.exactDivision ?? '', salesJournalCode: input.salesJournalCode ?? '', creditJournalCode: input.creditJournalCode ?? '' },
    };
  }
}
