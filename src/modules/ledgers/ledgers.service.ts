import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import { Decimal } from 'decimal.js';
import { ExactConnectionService } from '../../exact/connection.service.js';
import { NotFoundError, ValidationError } from '../../common/errors.js';
import { flushUnique } from '../../common/unique.js';
import { parseForm } from '../../common/validation.js';
import { Location } from '../locations/location.entity.js';
import { LocationsService } from '../locations/locations.service.js';
import { GlAccount, GlAccountLink, type GlLinkStatus } from './gl-account.entity.js';
import { Journal, JOURNAL_TYPES } from './journal.entity.js';
import { VatCode, VatMapping, VatRate } from './vat.entity.js';
import { CostCenter, CostDimensionLink, CostUnit, type CostKind } from './cost-center.entity.js';
import { CostDimensionForm, GlAccountForm, LocationExactForm } from './ledgers.form.js';
import { LedgerSettingsService, type LedgerSettings } from './ledger-settings.service.js';

/** A problem an export would hit in a division (i18n key + params; `ref` names the record). */
export interface LedgerProblem {
  code: 'gl_account_unknown' | 'gl_account_missing' | 'gl_account_blocked' | 'vat_unmapped' | 'vat_code_unknown' | 'journal_unknown' | 'journal_blocked' | 'journal_not_set'
    | 'cost_center_unknown' | 'cost_unit_unknown' | 'division_not_set' | 'division_not_granted';
  key: string;
  params: Record<string, unknown>;
  ref?: string | number;
}

/** What an export to one division needs to know, resolved once (see LedgersService.exportLookup). */
export interface ExportLookup {
  division: number;
  /** Koppel GL account id → Exact GUID and link status in this division. */
  glAccounts: Map<number, { number: string; exactId: string | null; status: GlLinkStatus }>;
  /** Koppel VAT rate id → the division's VAT code (trimmed, e.g. "2"). */
  vatCodes: Map<number, string>;
  /** Journal code → type and blocked flag, for every journal imported for the division. */
  journals: Map<string, { type: number; blocked: boolean; missing: boolean }>;
  /** Cost centre / unit code → Exact GUID (null: not in Exact yet). */
  costCenters: Map<string, string | null>;
  costUnits: Map<string, string | null>;
  settings: LedgerSettings;
  /** Division-wide problems (e.g. unmapped VAT rates, nothing imported yet). */
  problems: LedgerProblem[];
  /** Per-reference checks for the invoice preflight (undefined = fine). */
  checkGlAccount(glAccountId: number): LedgerProblem | undefined;
  checkVatRate(vatRateId: number): LedgerProblem | undefined;
  checkJournal(code: string | null | undefined): LedgerProblem | undefined;
  checkCostCenter(code: string | null | undefined): LedgerProblem | undefined;
  checkCostUnit(code: string | null | undefined): LedgerProblem | undefined;
}

/** Koppel's default VAT rates (NL and BE), seeded once. */
export const DEFAULT_VAT_RATES: { name: string; percentage: string; reverseCharge: boolean; country: string | null; sortOrder: number }[] = [
  { name: '21 %', percentage: '21.00', reverseCharge: false, country: null, sortOrder: 10 },
  { name: '9 %', percentage: '9.00', reverseCharge: false, country: 'NL', sortOrder: 20 },
  { name: '6 %', percentage: '6.00', reverseCharge: false, country: 'BE', sortOrder: 30 },
  { name: '12 %', percentage: '12.00', reverseCharge: false, country: 'BE', sortOrder: 35 },
  { name: '0 %', percentage: '0.00', reverseCharge: false, country: null, sortOrder: 40 },
  { name: 'Verlegd', percentage: '0.00', reverseCharge: true, country: null, sortOrder: 50 },
];

const problem = (code: LedgerProblem['code'], params: Record<string, unknown>, ref?: string | number): LedgerProblem => ({ code, key: `ledgers.problems.${code}`, params, ref });

/** The rules of GL accounts, journals, VAT codes and cost centres/units; the API other modules use. */
@Injectable()
export class LedgersService implements OnModuleInit {
  private readonly logger = new Logger('LedgersService');

  constructor(
    private readonly orm: MikroORM,
    private readonly connection: ExactConnectionService,
    private readonly settings: LedgerSettingsService,
    private readonly locations: LocationsService,
  ) {}

  async onModuleInit(): Promise<void> {
    try {
      await this.seedVatRates();
    } catch (e) {
      this.logger.warn(`VAT rates not seeded: ${(e as Error).message}`);
    }
  }

  /** Seeds the default VAT rates once per installation (a deleted rate does not come back). */
  async seedVatRates(): Promise<void> {
    if (await this.settings.flag('vatRatesSeeded')) return;
    const em = this.orm.em.fork();
    if ((await em.count(VatRate, {})) === 0) for (const r of DEFAULT_VAT_RATES) em.create(VatRate, r);
    await em.flush();
    await this.settings.setFlag('vatRatesSeeded', true);
  }

  private em(): EntityManager {
    return this.orm.em.fork();
  }

  // ---------------------------------------------------------------- divisions

  /** The connected divisions (code + name), for choosers. */
  async divisionChoices(): Promise<{ code: number; description: string }[]> {
    return this.connection.activeDivisions();
  }

  /** The division shown first: the one of the first location that has one, else the first connected one. */
  async defaultDivision(choices?: { code: number }[]): Promise<number | undefined> {
    const list = choices ?? (await this.divisionChoices());
    const loc = await this.em().findOne(Location, { exactDivision: { $ne: null } }, { orderBy: { name: 'asc' } });
    if (loc?.exactDivision && list.some((d) => d.code === loc.exactDivision)) return loc.exactDivision;
    return list[0]?.code;
  }

  // ---------------------------------------------------------------- GL accounts

  async glAccounts(q?: string): Promise<{ account: GlAccount; links: Map<number, GlAccountLink> }[]> {
    const em = this.em();
    const where = q ? { $or: [{ number: { $ilike: `${q}%` } }, { name: { $ilike: `%${q}%` } }] } : {};
    const accounts = await em.find(GlAccount, where, { orderBy: { number: 'asc' } });
    const links = accounts.length ? await em.find(GlAccountLink, { glAccount: { $in: accounts.map((a) => a.id) } }) : [];
    const byAccount = new Map<number, Map<number, GlAccountLink>>();
    for (const l of links) {
      const id = typeof l.glAccount === 'object' ? l.glAccount.id : (l.glAccount as number);
      if (!byAccount.has(id)) byAccount.set(id, new Map());
      byAccount.get(id)!.set(l.division, l);
    }
    return accounts.map((account) => ({ account, links: byAccount.get(account.id) ?? new Map() }));
  }

  async glAccount(id: number): Promise<GlAccount> {
    const a = await this.em().findOne(GlAccount, { id });
    if (!a) throw new NotFoundError('GL account');
    return a;
  }

  async glAccountByNumber(number: string): Promise<GlAccount | null> {
    return this.em().findOne(GlAccount, { number: number.trim() });
  }

  /** A GL account made by hand; it is linked to Exact by "Synchronise accounts" when Exact has its number. */
  async createGlAccount(body: unknown): Promise<GlAccount> {
    const input = parseForm(GlAccountForm, body);
    const em = this.em();
    if (await em.count(GlAccount, { number: input.number })) throw new ValidationError({ number: ['validation.taken'] });
    const a = em.create(GlAccount, { ...input, description: input.description ?? null, source: 'manual' });
    await flushUnique(em, 'number');
    return a;
  }

  /** Local edits only; nothing goes to Exact. The number of a linked account cannot change. */
  async updateGlAccount(id: number, body: unknown): Promise<GlAccount> {
    const input = parseForm(GlAccountForm, body);
    const em = this.em();
    const a = await em.findOne(GlAccount, { id });
    if (!a) throw new NotFoundError('GL account');
    if (input.number !== a.number) {
      if (await em.count(GlAccountLink, { glAccount: a, status: { $ne: 'missing' } })) throw new ValidationError({ number: ['validation.invalid'] });
      if (await em.count(GlAccount, { number: input.number, id: { $ne: id } })) throw new ValidationError({ number: ['validation.taken'] });
      await em.nativeDelete(GlAccountLink, { glAccount: a });
    }
    em.assign(a, { ...input, description: input.description ?? null });
    await flushUnique(em, 'number');
    return a;
  }

  // ---------------------------------------------------------------- journals

  journals(division: number): Promise<Journal[]> {
    return this.em().find(Journal, { division }, { orderBy: { code: 'asc' } });
  }

  /** Sales journals of a division for an invoice type: invoices book in Type 20, credit notes in 21 (or 20). */
  async salesJournals(division: number, kind: 'invoice' | 'credit'): Promise<Journal[]> {
    const types = kind === 'invoice' ? [JOURNAL_TYPES.sales] : [JOURNAL_TYPES.salesReturn, JOURNAL_TYPES.sales];
    const list = await this.em().find(Journal, { division, type: { $in: types }, blocked: false, missing: false }, { orderBy: { code: 'asc' } });
    return list.sort((a, b) => types.indexOf(a.type as never) - types.indexOf(b.type as never) || a.code.localeCompare(b.code, 'en', { numeric: true }));
  }

  /** The journal code an invoice (or credit note) of a location goes to; undefined when not chosen. */
  async salesJournalFor(locationId: number, kind: 'invoice' | 'credit'): Promise<string | undefined> {
    const loc = await this.em().findOne(Location, { id: locationId });
    if (!loc) throw new NotFoundError('Location');
    return (kind === 'credit' ? loc.creditJournalCode ?? loc.salesJournalCode : loc.salesJournalCode) ?? undefined;
  }

  // ---------------------------------------------------------------- VAT

  vatRates(): Promise<VatRate[]> {
    return this.em().find(VatRate, {}, { orderBy: { sortOrder: 'asc', name: 'asc' } });
  }

  vatCodes(division: number): Promise<VatCode[]> {
    return this.em().find(VatCode, { division }, { orderBy: { code: 'asc' } });
  }

  async vatMappings(division: number): Promise<Map<number, VatMapping>> {
    const rows = await this.em().find(VatMapping, { division });
    return new Map(rows.map((m) => [typeof m.vatRate === 'object' ? m.vatRate.id : (m.vatRate as number), m]));
  }

  /** Sets (or with an empty code removes) the mapping of each given rate id → VAT code in a division. */
  async setVatMappings(division: number, mapping: Record<string, string>): Promise<void> {
    const em = this.em();
    const codes = new Set((await em.find(VatCode, { division, missing: false })).map((c) => c.code));
    const rates = await em.find(VatRate, {});
    const errors: Record<string, string[]> = {};
    for (const rate of rates) {
      const raw = mapping[String(rate.id)];
      if (raw === undefined) continue;
      const code = String(raw).trim();
      const existing = await em.findOne(VatMapping, { vatRate: rate, division });
      if (!code) {
        if (existing) em.remove(existing);
        continue;
      }
      if (!codes.has(code)) {
        errors[`rate_${rate.id}`] = ['validation.invalid'];
        continue;
      }
      if (existing) em.assign(existing, { vatCode: code, automatic: false });
      else em.create(VatMapping, { vatRate: rate, division, vatCode: code, automatic: false });
    }
    if (Object.keys(errors).length) throw new ValidationError(errors);
    await em.flush();
  }

  /** Preflight for invoices: a VAT rate without a usable VAT code in the division is a problem. */
  async preflightVatRate(division: number, vatRateId: number): Promise<LedgerProblem | undefined> {
    return (await this.exportLookup(division)).checkVatRate(vatRateId);
  }

  // ---------------------------------------------------------------- cost centres / units

  async costDimensions(kind: CostKind): Promise<{ item: CostCenter | CostUnit; links: Map<number, CostDimensionLink> }[]> {
    const em = this.em();
    const items = await em.find(kind === 'center' ? CostCenter : CostUnit, {}, { orderBy: { code: 'asc' } });
    const links = await em.find(CostDimensionLink, { kind });
    const by = new Map<string, Map<number, CostDimensionLink>>();
    for (const l of links) {
      if (!by.has(l.code)) by.set(l.code, new Map());
      by.get(l.code)!.set(l.division, l);
    }
    return items.map((item) => ({ item, links: by.get(item.code) ?? new Map() }));
  }

  /** A cost centre / unit made in Koppel; "Send to Exact" creates it there (after a duplicate check). */
  async createCostDimension(body: unknown): Promise<CostCenter | CostUnit> {
    const input = parseForm(CostDimensionForm, body);
    const em = this.em();
    const entity = input.kind === 'center' ? CostCenter : CostUnit;
    if (await em.count(entity, { code: input.code })) throw new ValidationError({ code: ['validation.taken'] });
    const item = em.create(entity, { code: input.code, description: input.description, source: 'manual' });
    await flushUnique(em, 'code');
    return item;
  }

  // ---------------------------------------------------------------- locations

  /** Administration and sales journals of a location. Returns whether the division changed. */
  async setLocationExact(locationId: number, body: unknown): Promise<{ location: Location; divisionChanged: boolean; previous?: number | null }> {
    const input = parseForm(LocationExactForm, body);
    const em = this.em();
    const loc = await em.findOne(Location, { id: locationId });
    if (!loc) throw new NotFoundError('Location');
    const errors: Record<string, string[]> = {};
    if (input.exactDivision !== undefined) {
      const granted = (await this.connection.activeDivisions()).some((d) => d.code === input.exactDivision);
      if (!granted && input.exactDivision !== loc.exactDivision) errors.exactDivision = ['validation.invalid'];
    }
    const division = input.exactDivision;
    const divisionChanged = (division ?? null) !== (loc.exactDivision ?? null);
    for (const [field, kind] of [['salesJournalCode', 'invoice'], ['creditJournalCode', 'credit']] as const) {
      const code = input[field];
      if (!code) continue;
      if (!division) {
        errors[field] = ['validation.invalid'];
        continue;
      }
      const ok = (await this.salesJournals(division, kind)).some((j) => j.code === code);
      if (ok) continue;
      // after a division change the old division's journal may not exist in the new one: it is dropped, not an error
      if (divisionChanged) input[field] = undefined;
      else errors[field] = ['validation.invalid'];
    }
    if (Object.keys(errors).length) throw new ValidationError(errors);
    const previous = loc.exactDivision;
    // the location is the locations module's: it writes it
    const location = await this.locations.setExactAdministration(locationId, { exactDivision: division ?? null, salesJournalCode: input.salesJournalCode ?? null, creditJournalCode: input.creditJournalCode ?? null });
    return { location, divisionChanged, previous };
  }

  /** What the location form needs without writing: does this body change the division? */
  async wouldChangeDivision(locationId: number, body: unknown): Promise<boolean> {
    const input = parseForm(LocationExactForm, body);
    const loc = await this.em().findOne(Location, { id: locationId });
    if (!loc) throw new NotFoundError('Location');
    return (input.exactDivision ?? null) !== (loc.exactDivision ?? null) && loc.exactDivision !== null && loc.exactDivision !== undefined;
  }

  // ---------------------------------------------------------------- export lookup

  /**
   * Everything an export of invoices to `division` needs, resolved in a few queries: GL account id →
   * Exact GUID + status, VAT rate id → VAT code, the journals, cost centre/unit codes, and the problems.
   */
  async exportLookup(division: number): Promise<ExportLookup> {
    const em = this.em();
    const [links, accounts, mappings, vatCodes, journals, costLinks, settings, granted] = await Promise.all([
      em.find(GlAccountLink, { division }),
      em.find(GlAccount, {}),
      em.find(VatMapping, { division }),
      em.find(VatCode, { division }),
      em.find(Journal, { division }),
      em.find(CostDimensionLink, { division }),
      this.settings.get(),
      this.connection.activeDivisions(),
    ]);
    const rates = await em.find(VatRate, {});
    const numberOf = new Map(accounts.map((a) => [a.id, a.number]));
    const glAccounts = new Map<number, { number: string; exactId: string | null; status: GlLinkStatus }>();
    for (const l of links) {
      const id = typeof l.glAccount === 'object' ? l.glAccount.id : (l.glAccount as number);
      glAccounts.set(id, { number: numberOf.get(id) ?? '', exactId: l.exactId ?? null, status: l.status });
    }
    const codeByCode = new Map(vatCodes.map((c) => [c.code, c]));
    const vatMap = new Map<number, string>();
    for (const m of mappings) vatMap.set(typeof m.vatRate === 'object' ? m.vatRate.id : (m.vatRate as number), m.vatCode);
    const journalMap = new Map(journals.map((j) => [j.code, { type: j.type, blocked: j.blocked, missing: j.missing }]));
    const costCenters = new Map<string, string | null>();
    const costUnits = new Map<string, string | null>();
    for (const l of costLinks) (l.kind === 'center' ? costCenters : costUnits).set(l.code, l.status === 'linked' ? l.exactId ?? null : null);

    const rateName = new Map(rates.map((r) => [r.id, r.name]));
    const checkVatRate = (id: number): LedgerProblem | undefined => {
      const code = vatMap.get(id);
      if (!code) return problem('vat_unmapped', { rate: rateName.get(id) ?? id, division }, id);
      const c = codeByCode.get(code);
      if (!c || c.missing || c.blocked) return problem('vat_code_unknown', { code, rate: rateName.get(id) ?? id, division }, id);
      return undefined;
    };
    const checkGlAccount = (id: number): LedgerProblem | undefined => {
      const g = glAccounts.get(id);
      const number = g?.number || numberOf.get(id) || String(id);
      if (!g) return problem('gl_account_unknown', { number, division }, id);
      if (g.status === 'missing' || !g.exactId) return problem('gl_account_missing', { number, division }, id);
      if (g.status === 'blocked') return problem('gl_account_blocked', { number, division }, id);
      return undefined;
    };
    const checkJournal = (code: string | null | undefined): LedgerProblem | undefined => {
      if (!code) return problem('journal_not_set', { division });
      const j = journalMap.get(code);
      if (!j || j.missing) return problem('journal_unknown', { code, division }, code);
      if (j.blocked) return problem('journal_blocked', { code, division }, code);
      return undefined;
    };
    const checkCost = (kind: CostKind, map: Map<string, string | null>) => (code: string | null | undefined): LedgerProblem | undefined => {
      if (!code) return undefined;
      if (!map.get(code)) return problem(kind === 'center' ? 'cost_center_unknown' : 'cost_unit_unknown', { code, division }, code);
      return undefined;
    };
    const problems: LedgerProblem[] = [];
    if (!granted.some((d) => d.code === division)) problems.push(problem('division_not_granted', { division }));
    for (const r of rates.filter((x) => x.active)) {
      const p = checkVatRate(r.id);
      if (p) problems.push(p);
    }
    return {
      division,
      glAccounts,
      vatCodes: vatMap,
      journals: journalMap,
      costCenters,
      costUnits,
      settings,
      problems,
      checkGlAccount,
      checkVatRate,
      checkJournal,
      checkCostCenter: checkCost('center', costCenters),
      checkCostUnit: checkCost('unit', costUnits),
    };
  }

  /** Percentage of a rate as a Decimal (for invoices computing VAT). */
  static rateOf(rate: VatRate): Decimal {
    return new Decimal(rate.percentage);
  }
}
