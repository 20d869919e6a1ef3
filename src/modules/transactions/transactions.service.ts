import { Injectable } from '@nestjs/common';
import { MikroORM, raw, type EntityManager, type FilterQuery } from '@mikro-orm/postgresql';
import { Decimal } from 'decimal.js';
import { Clock } from '../../common/clock.js';
import { NotFoundError, ValidationError } from '../../common/errors.js';
import { parseForm } from '../../common/validation.js';
import { toPage, type ListQuery, type Page } from '../../common/pagination.js';
import { Location } from '../locations/location.entity.js';
import { Customer } from '../customers/customer.entity.js';
import { Invoice } from '../invoices/invoice.entity.js';
import { GlAccount } from '../ledgers/gl-account.entity.js';
import { JOURNAL_TYPES, Journal } from '../ledgers/journal.entity.js';
import { LedgersService, type ExportLookup } from '../ledgers/ledgers.service.js';
import { ExactClient } from '../../exact/exact.client.js';
import { TransactionsApi } from '../../exact/transactions.resources.js';
import type { CallKind } from '../../exact/rate-limiter.js';
import {
  DeskTransaction,
  TransactionLocationSettings,
  TransactionType,
  TransactionTypeGl,
  type TransactionProblem,
  type TransactionState,
} from './transaction.entity.js';
import { LocationSettingsForm, ReportFilterForm, TransactionForm, TransactionTypeForm, type ReportFilter } from './transaction.form.js';
import { deskTransactionsSection } from './transactions.view.js';
import type { CurrentUser } from '../auth/current-user.js';
import { HealthFeatureRegistry } from '../connection-health/connection-health.registry.js';
import { TRANSACTIONS_FEATURE } from './transactions.health.js';

export const TRANSACTION_SORTS = ['date', 'amount', 'location', 'type', 'state', 'id'] as const;
export type TransactionSort = (typeof TRANSACTION_SORTS)[number];

/** The default description sent with each line. */
export const DEFAULT_DESCRIPTION_TEMPLATE = '{location} {date} {type}: {description}';

/** What forwarding one location needs, resolved against the division (see TransactionsService.resolve). */
export interface ResolvedLocation {
  location: Location;
  division: number;
  settings: TransactionLocationSettings;
  /** Exact GUID of the debtors GL account. */
  debtorsGl: string;
  /** Exact GUID of the GL account per transaction type id. */
  typeGl: Map<number, string>;
  template: string;
}

/** Desk transactions: recording, reversing, the report, types, per-location settings and the preflight. */
@Injectable()
export class TransactionsService {
  constructor(
    private readonly orm: MikroORM,
    private readonly ledgers: LedgersService,
    private readonly client: ExactClient,
    private readonly clock: Clock,
    private readonly health: HealthFeatureRegistry,
  ) {}

  private em(): EntityManager {
    return this.orm.em.fork();
  }

  today(): string {
    return this.clock.now().toISOString().slice(0, 10);
  }

  // ------------------------------------------------------------------ transactions

  /** Records a transaction (queued for Exact). Throws ValidationError with per-field i18n keys. */
  async create(body: unknown, userId: number | null): Promise<DeskTransaction> {
    let input;
    try {
      input = parseForm(TransactionForm, body);
    } catch (e) {
      // say everything at once: a date in the future is reported with the other mistakes
      const date = (body as Record<string, unknown> | undefined)?.date;
      if (e instanceof ValidationError && typeof date === 'string' && !e.fieldErrors.date && date.trim() > this.today()) e.fieldErrors.date = ['transactions.validation.future'];
      throw e;
    }
    const em = this.em();
    const errors: Record<string, string[]> = {};
    const location = await em.findOne(Location, { id: input.locationId });
    if (!location) errors.locationId = ['transactions.validation.location'];
    const type = await em.findOne(TransactionType, { id: input.typeId, active: true });
    if (!type) errors.typeId = ['transactions.validation.type'];
    if (input.date > this.today()) errors.date = ['transactions.validation.future'];
    let customer = input.customerId ? await em.findOne(Customer, { id: input.customerId }) : null;
    if (input.customerId && !customer) errors.customerId = ['transactions.validation.customer'];
    const invoice = input.invoiceId ? await em.findOne(Invoice, { id: input.invoiceId }, { populate: ['customer', 'location'] }) : null;
    if (input.invoiceId && !invoice) errors.invoiceId = ['transactions.validation.invoice'];
    if (invoice) {
      if (!invoice.number || invoice.status === 'draft') errors.invoiceId = ['transactions.validation.invoiceDraft'];
      else if (customer && invoice.customer.id !== customer.id) errors.invoiceId = ['transactions.validation.invoiceCustomer'];
      else if (location && invoice.location.id !== location.id) errors.invoiceId = ['transactions.validation.invoiceLocation'];
      customer ??= invoice.customer;
    }
    // no payment method chosen: the type's own (its "cash" setting)
    const method = (input.method ?? (type ? (type.cash ? 'cash' : 'other') : undefined)) as DeskTransaction['method'] | undefined;
    if (method === 'other' && !customer && !errors.customerId) errors.customerId = ['transactions.validation.otherNeedsCustomer'];
    if (Object.keys(errors).length) throw new ValidationError(errors);
    const amount = new Decimal(input.amount).mul(type!.direction === 'out' ? -1 : 1);
    const t = em.create(DeskTransaction, {
      location: location!,
      type: type!,
      date: input.date,
      amount: amount.toFixed(2),
      method: method!,
      customer,
      invoice,
      description: input.description ?? type!.name,
      createdBy: userId,
    });
    await em.flush();
    return t;
  }

  /** Reverses a transaction by a new one with the opposite amount (dated today); the original stays as it is. */
  async reverse(id: number, userId: number | null): Promise<DeskTransaction> {
    const em = this.em();
    const t = await em.findOne(DeskTransaction, { id }, { populate: ['type'] });
    if (!t) throw new NotFoundError('Transaction');
    if (await em.count(DeskTransaction, { reversalOf: t })) throw new ValidationError({ _form: ['transactions.validation.alreadyReversed'] });
    if (t.reversalOf) throw new ValidationError({ _form: ['transactions.validation.reversalOfReversal'] });
    const r = em.create(DeskTransaction, {
      location: t.location,
      type: t.type,
      date: this.today(),
      amount: new Decimal(t.amount).neg().toFixed(2),
      method: t.method,
      customer: t.customer ?? null,
      invoice: t.invoice ?? null,
      description: `Correctie #${t.id}: ${t.description}`.slice(0, 200),
      reversalOf: t,
      createdBy: userId,
    });
    await em.flush();
    return r;
  }

  async get(id: number): Promise<DeskTransaction> {
    const t = await this.em().findOne(DeskTransaction, { id }, { populate: ['location', 'type', 'customer', 'invoice', 'batch'] });
    if (!t) throw new NotFoundError('Transaction');
    return t;
  }

  parseFilter(raw: Record<string, unknown>): ReportFilter {
    return ReportFilterForm.parse(raw ?? {});
  }

  private where(filter: ReportFilter): FilterQuery<DeskTransaction> {
    const w: Record<string, unknown> = {};
    if (filter.locationId) w.location = filter.locationId;
    if (filter.typeId) w.type = filter.typeId;
    if (filter.state) w.state = filter.state;
    if (filter.customerId) w.customer = filter.customerId;
    if (filter.invoiceId) w.invoice = filter.invoiceId;
    if (filter.dateFrom || filter.dateTo) w.date = { ...(filter.dateFrom ? { $gte: filter.dateFrom } : {}), ...(filter.dateTo ? { $lte: filter.dateTo } : {}) };
    return w as FilterQuery<DeskTransaction>;
  }

  /** The transactions report: filtered, sorted, paged; with the total of the filtered amounts. */
  async report(filter: ReportFilter, query: ListQuery<TransactionSort>): Promise<Page<DeskTransaction> & { sum: string; reversed: Set<number> }> {
    const em = this.em();
    const where = this.where(filter);
    const sortField: Record<TransactionSort, string> = { date: 'date', amount: 'amount', location: 'location.name', type: 'type.name', state: 'state', id: 'id' };
    const orderBy = sortField[query.sort].includes('.')
      ? { [sortField[query.sort].split('.')[0]]: { name: query.dir }, id: query.dir }
      : { [sortField[query.sort]]: query.dir, id: query.dir };
    const [items, total] = await em.findAndCount(DeskTransaction, where, {
      populate: ['location', 'type', 'customer', 'invoice', 'batch'],
      orderBy: orderBy as never,
      limit: query.pageSize,
      offset: (query.page - 1) * query.pageSize,
    });
    const qb = em.createQueryBuilder(DeskTransaction, 't').select(raw('coalesce(sum(t.amount), 0)::text as total') as never).where(where as never);
    const [{ total: sum }] = (await qb.execute('all')) as unknown as { total: string }[];
    const reversed = new Set(
      (await em.find(DeskTransaction, { reversalOf: { $in: items.map((i) => i.id) } }, { fields: ['id', 'reversalOf'] })).map((r) => (r.reversalOf as DeskTransaction).id),
    );
    return { ...toPage(items, total, query), sum: new Decimal(sum).toFixed(2), reversed };
  }

  /** The latest transactions of a customer or an invoice (for their pages). */
  async recentFor(by: { customerId?: number; invoiceId?: number }, limit = 10): Promise<DeskTransaction[]> {
    return this.em().find(DeskTransaction, by.invoiceId ? { invoice: by.invoiceId } : { customer: by.customerId }, {
      populate: ['location', 'type', 'batch'],
      orderBy: { date: 'desc', id: 'desc' },
      limit,
    });
  }

  /**
   * The desk transactions on a customer's or an invoice's detail page (registered with CustomerPageRegistry and
   * InvoicePageRegistry by TransactionsModule): only for the roles that may open Accounting → Transactions.
   */
  async detailSection(by: { customerId: number } | { invoiceId: number }, user: CurrentUser | undefined): Promise<Record<string, unknown>> {
    if (user?.role !== 'admin' && user?.role !== 'accountant') return {};
    return { deskTransactions: deskTransactionsSection(by, await this.recentFor(by)) };
  }

  /** Puts failed and blocked transactions (the chosen ones, or all of the filter) back in the queue. */
  async requeue(ids: number[] | undefined, filter: ReportFilter): Promise<number> {
    const em = this.em();
    const states: TransactionState[] = ['failed', 'blocked'];
    const where = ids?.length ? { id: { $in: ids }, state: { $in: states } } : { ...(this.where(filter) as object), state: { $in: states } };
    const rows = await em.find(DeskTransaction, where as FilterQuery<DeskTransaction>);
    for (const r of rows) {
      r.state = 'queued';
      r.batch = null;
      r.lastError = null;
      r.problems = null;
    }
    await em.flush();
    return rows.length;
  }

  /** Divisions with transactions waiting (for forwarding on demand), optionally of one location. */
  async divisionsToForward(locationId?: number): Promise<number[]> {
    const em = this.em();
    const locations = await em.find(Location, { ...(locationId ? { id: locationId } : {}), exactDivision: { $ne: null } });
    return [...new Set(locations.map((l) => l.exactDivision!))].sort((a, b) => a - b);
  }

  // ------------------------------------------------------------------ choices

  async locations(): Promise<Location[]> {
    return this.em().find(Location, {}, { orderBy: { name: 'asc' } });
  }

  async types(activeOnly = false): Promise<TransactionType[]> {
    return this.em().find(TransactionType, activeOnly ? { active: true } : {}, { populate: ['glAccount'], orderBy: { name: 'asc' } });
  }

  async glAccounts(): Promise<GlAccount[]> {
    return this.em().find(GlAccount, {}, { orderBy: { number: 'asc' } });
  }

  /** What the form shows about a customer or invoice it was opened from. */
  async context(customerId?: number, invoiceId?: number): Promise<{ customer?: Customer; invoice?: Invoice }> {
    const em = this.em();
    const invoice = invoiceId ? ((await em.findOne(Invoice, { id: invoiceId }, { populate: ['customer', 'location'] })) ?? undefined) : undefined;
    const customer = invoice?.customer ?? (customerId ? ((await em.findOne(Customer, { id: customerId })) ?? undefined) : undefined);
    return { customer, invoice };
  }

  async customers(locationId?: number): Promise<Customer[]> {
    return this.em().find(Customer, { status: { $ne: 'merged' }, ...(locationId ? { location: locationId } : {}) } as FilterQuery<Customer>, { orderBy: { name: 'asc' }, limit: 500 });
  }

  /** Everything the "New transaction" form offers. */
  async formChoices(locationId?: number): Promise<{ locations: Location[]; types: TransactionType[]; customers: Customer[] }> {
    const [locations, types, customers] = await Promise.all([this.locations(), this.types(true), this.customers(locationId)]);
    return { locations, types, customers };
  }

  /** The settings page of one location: its settings, choices, and the full preflight (one Exact call for the periods). */
  async settingsPage(locationId: number) {
    const { location, settings, typeGls } = await this.settingsOf(locationId);
    const division = location.exactDivision ?? undefined;
    const [types, glAccounts, journals, check] = await Promise.all([
      this.types(),
      this.glAccounts(),
      division ? this.em().find(Journal, { division, missing: false, type: { $in: [JOURNAL_TYPES.cash, JOURNAL_TYPES.general] } }, { orderBy: { code: 'asc' } }) : Promise.resolve([] as Journal[]),
      this.resolve(locationId, { years: [Number(this.today().slice(0, 4))] }).catch((e: Error) => ({ problems: [{ key: 'transactions.problems.exact', params: { message: e.message } }] as TransactionProblem[], resolved: undefined })),
    ]);
    return { location, settings, typeGls, types, glAccounts, journals, problems: check.problems };
  }

  /** The settings overview: types and, per location, whether it is set up (local checks only). */
  async overview(): Promise<{ types: TransactionType[]; glAccounts: GlAccount[]; locations: { location: Location; configured: boolean }[] }> {
    const em = this.em();
    const [types, glAccounts, locations, settings] = await Promise.all([this.types(), this.glAccounts(), this.locations(), em.find(TransactionLocationSettings, {})]);
    const configured = new Set(settings.map((s) => (s.location as Location).id));
    return { types, glAccounts, locations: locations.map((location) => ({ location, configured: configured.has(location.id) })) };
  }

  // ------------------------------------------------------------------ types

  async saveType(id: number | undefined, body: unknown): Promise<TransactionType> {
    const input = parseForm(TransactionTypeForm, body);
    const em = this.em();
    if (await em.count(TransactionType, { name: input.name, ...(id ? { id: { $ne: id } } : {}) })) throw new ValidationError({ name: ['validation.taken'] });
    const gl = input.glAccountId ? await em.findOne(GlAccount, { id: input.glAccountId }) : null;
    if (input.glAccountId && !gl) throw new ValidationError({ glAccountId: ['transactions.validation.glAccount'] });
    const type = id ? await em.findOne(TransactionType, { id }) : em.create(TransactionType, { name: input.name });
    if (!type) throw new NotFoundError('Transaction type');
    Object.assign(type, { name: input.name, glAccount: gl, cash: input.cash, direction: input.direction, active: input.active });
    await em.flush();
    return type;
  }

  // ------------------------------------------------------------------ location settings

  async settingsOf(locationId: number): Promise<{ location: Location; settings: TransactionLocationSettings | null; typeGls: Map<number, number> }> {
    const em = this.em();
    const location = await em.findOne(Location, { id: locationId });
    if (!location) throw new NotFoundError('Location');
    const settings = await em.findOne(TransactionLocationSettings, { location }, { populate: ['debtorsGlAccount'] });
    const typeGls = new Map((await em.find(TransactionTypeGl, { location })).map((g) => [(g.type as TransactionType).id, (g.glAccount as GlAccount).id]));
    return { location, settings, typeGls };
  }

  async saveSettings(locationId: number, body: Record<string, unknown>): Promise<void> {
    const input = parseForm(LocationSettingsForm, body);
    const em = this.em();
    const location = await em.findOne(Location, { id: locationId });
    if (!location) throw new NotFoundError('Location');
    const errors: Record<string, string[]> = {};
    const debtors = input.debtorsGlAccountId ? await em.findOne(GlAccount, { id: input.debtorsGlAccountId }) : null;
    if (input.debtorsGlAccountId && !debtors) errors.debtorsGlAccountId = ['transactions.validation.glAccount'];
    const types = await em.find(TransactionType, {});
    const perType = new Map<number, GlAccount | null>();
    const raw = (body.glType ?? {}) as Record<string, unknown>;
    for (const t of types) {
      const v = raw[String(t.id)] ?? body[`glType[${t.id}]`];
      if (v === undefined || v === '') {
        perType.set(t.id, null);
        continue;
      }
      const gl = /^\d{1,9}$/.test(String(v)) ? await em.findOne(GlAccount, { id: Number(v) }) : null;
      if (!gl) errors[`glType[${t.id}]`] = ['transactions.validation.glAccount'];
      perType.set(t.id, gl);
    }
    if (Object.keys(errors).length) throw new ValidationError(errors);
    const settings = (await em.findOne(TransactionLocationSettings, { location })) ?? em.create(TransactionLocationSettings, { location });
    Object.assign(settings, {
      cashJournalCode: input.cashJournalCode ?? null,
      miscJournalCode: input.miscJournalCode ?? null,
      descriptionTemplate: input.descriptionTemplate ?? null,
      debtorsGlAccount: debtors,
    });
    const existing = new Map((await em.find(TransactionTypeGl, { location })).map((g) => [(g.type as TransactionType).id, g]));
    for (const [typeId, gl] of perType) {
      const row = existing.get(typeId);
      if (!gl && row) em.remove(row);
      else if (gl && row) row.glAccount = gl;
      else if (gl) em.create(TransactionTypeGl, { location, type: em.getReference(TransactionType, typeId), glAccount: gl });
    }
    await em.flush();
  }

  // ------------------------------------------------------------------ preflight

  /**
   * Checks a location's settings against its division: journals of the right type and not blocked, GL accounts that
   * exist in Exact and are not blocked, and (when `years` is given) financial periods for those years — one Exact
   * call. Returns the location's resolved settings when nothing is wrong.
   */
  async resolve(locationId: number, opts: { years?: number[]; typeIds?: number[]; kind?: CallKind; lookup?: ExportLookup; periods?: Map<number, boolean> } = {}): Promise<{ problems: TransactionProblem[]; resolved?: ResolvedLocation }> {
    const { location, settings, typeGls } = await this.settingsOf(locationId);
    const problems: TransactionProblem[] = [];
    const name = location.name;
    const division = location.exactDivision;
    if (!division) return { problems: [{ key: 'transactions.problems.noDivision', params: { location: name } }] };
    if (!settings) return { problems: [{ key: 'transactions.problems.noSettings', params: { location: name } }] };
    const lookup = opts.lookup ?? (await this.ledgers.exportLookup(division));
    for (const p of lookup.problems.filter((x) => x.code === 'division_not_granted')) problems.push({ key: p.key, params: p.params });
    // what the last health check found for transactions (a right, a journal, a GL account, a year): its words, no call
    const found = await this.health.problemsFor(division, TRANSACTIONS_FEATURE.key);
    const byRef = (ref: string) => found.find((p) => p.ref === ref);
    for (const p of found.filter((x) => !x.ref)) problems.push({ key: p.key, params: p.params });
    const journal = (code: string | null | undefined, type: number, which: 'cash' | 'misc') => {
      if (!code) return problems.push({ key: `transactions.problems.${which}JournalNotSet`, params: { location: name } });
      const known = byRef(`journal:${code}`);
      if (known) return problems.push({ key: known.key, params: known.params });
      const j = lookup.journals.get(code);
      if (!j || j.missing) return problems.push({ key: 'transactions.problems.journalUnknown', params: { code, division } });
      if (j.blocked) return problems.push({ key: 'transactions.problems.journalBlocked', params: { code, division } });
      if (j.type !== type) return problems.push({ key: `transactions.problems.${which}JournalType`, params: { code, type: j.type } });
      return undefined;
    };
    journal(settings.cashJournalCode, JOURNAL_TYPES.cash, 'cash');
    journal(settings.miscJournalCode, JOURNAL_TYPES.general, 'misc');
    const gl = (glId: number | undefined, what: string): string | undefined => {
      if (!glId) {
        problems.push({ key: 'transactions.problems.glNotSet', params: { what, location: name } });
        return undefined;
      }
      const known = byRef(`gl:${glId}`);
      if (known) {
        problems.push({ key: known.key, params: known.params });
        return undefined;
      }
      const g = lookup.glAccounts.get(glId);
      const p = lookup.checkGlAccount(glId);
      if (p) {
        problems.push({ key: `transactions.problems.gl_${p.code}`, params: { ...p.params, what } });
        return undefined;
      }
      return g?.exactId ?? undefined;
    };
    const debtorsId = settings.debtorsGlAccount ? (settings.debtorsGlAccount as GlAccount).id : undefined;
    const debtorsGl = gl(debtorsId, 'debtors');
    const typeGl = new Map<number, string>();
    const used = new Set(opts.typeIds ?? []);
    for (const t of (await this.types()).filter((x) => x.active || used.has(x.id))) {
      const id = typeGls.get(t.id) ?? (t.glAccount ? t.glAccount.id : undefined);
      const exactId = gl(id, t.name);
      if (exactId) typeGl.set(t.id, exactId);
    }
    const years = [...new Set(opts.years ?? [])];
    for (const y of years) {
      const known = byRef(`period:${y}`);
      if (known) problems.push({ key: known.key, params: known.params });
    }
    if (years.length && !problems.length) {
      const missing = years.filter((y) => opts.periods?.get(y) === false);
      const unknown = years.filter((y) => !opts.periods?.has(y));
      if (unknown.length) {
        const have = await new TransactionsApi(this.client, division).yearsWithPeriods(unknown, { kind: opts.kind ?? 'interactive' });
        for (const y of unknown) {
          opts.periods?.set(y, have.has(y));
          if (!have.has(y)) missing.push(y);
        }
      }
      for (const y of missing.sort()) problems.push({ key: 'transactions.problems.noPeriod', params: { year: y, division } });
    }
    if (problems.length) return { problems };
    return {
      problems,
      resolved: { location, division, settings, debtorsGl: debtorsGl!, typeGl, template: settings.descriptionTemplate || DEFAULT_DESCRIPTION_TEMPLATE },
    };
  }
}
