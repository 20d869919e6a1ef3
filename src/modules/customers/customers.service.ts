import { Injectable, Logger } from '@nestjs/common';
import { EntityManager, MikroORM, type FilterQuery } from '@mikro-orm/postgresql';
import { ExactClient } from '../../exact/exact.client.js';
import { ExactError } from '../../exact/errors.js';
import { f } from '../../exact/odata.js';
import type { ExactAccount } from '../../exact/exact.types.js';
import { NotFoundError, ValidationError, type FieldErrors } from '../../common/errors.js';
import { flushUnique, isUniqueViolation } from '../../common/unique.js';
import { normaliseVat, toFieldErrors, firstFieldError } from '../../common/validation.js';
import { toPage, type ListQuery, type Page } from '../../common/pagination.js';
import { Location } from '../locations/location.entity.js';
import { Customer, CustomerExactLink, CustomerSettings, type CustomerType, type ExactChangesPolicy } from './customer.entity.js';
import { CustomerForm, EXACT_FIELDS, type CustomerInput } from './customer.form.js';
import { ACCOUNT_SELECT, customerDataFromAccount, guessType, sameCompany, sameSnapshot, snapshotOfAccount, snapshotOfCustomer, trimCode, type CustomerData } from './customer.mapping.js';
import { CustomerExportService, type SendResult } from './customer-export.service.js';
import { CustomerConflictError, CustomerNotSendableError, DuplicateCustomerError, type CustomerProblem } from './customers.errors.js';
import { HealthFeatureRegistry } from '../connection-health/connection-health.registry.js';

export const CUSTOMER_SORTS = ['number', 'name', 'city', 'createdAt'] as const;
export type CustomerSort = (typeof CUSTOMER_SORTS)[number];

/** What happened to Koppel when Exact reported an account change (onExactAccountChanged). */
export type InboundResult = 'created' | 'updated' | 'unchanged' | 'linked' | 'conflict' | 'ignored' | 'skipped' | 'relinked' | 'merged' | 'unlinked' | 'unknown';

/** The outcome of sending on save (setting "when saved"): sent, or why not (the customer is saved either way). */
export interface SaveSend {
  result?: SendResult;
  problem?: CustomerProblem;
}

export interface ExactSearchHit {
  id: string;
  code: string;
  name: string;
  city: string;
  vatNumber: string;
  knownCustomerId?: number;
}

@Injectable()
export class CustomersService {
  private readonly logger = new Logger('Customers');

  constructor(
    private readonly em: EntityManager,
    private readonly orm: MikroORM,
    private readonly client: ExactClient,
    private readonly exporter: CustomerExportService,
    private readonly health: HealthFeatureRegistry,
  ) {}

  // ---------------------------------------------------------------- list, read, write

  async list(query: ListQuery<CustomerSort>, opts: { locationId?: number; includeMerged?: boolean } = {}): Promise<Page<Customer>> {
    const where: FilterQuery<Customer> = opts.includeMerged ? {} : { status: 'active' };
    if (opts.locationId) where.location = opts.locationId;
    if (query.q) {
      const like = `%${query.q}%`;
      where.$or = [{ name: { $ilike: like } }, { number: { $ilike: like } }, { city: { $ilike: like } }, { vatNumber: { $ilike: like } }, { contactPerson: { $ilike: like } }];
    }
    const sort = query.sort === 'number' ? { number: query.dir } : { [query.sort]: query.dir };
    const [items, total] = await this.em.findAndCount(Customer, where, {
      populate: ['location'],
      orderBy: { ...sort, id: 'asc' },
      limit: query.pageSize,
      offset: (query.page - 1) * query.pageSize,
    });
    return toPage(items, total, query);
  }

  async get(id: number): Promise<Customer> {
    const c = await this.em.findOne(Customer, { id }, { populate: ['location'] });
    if (!c) throw new NotFoundError('Customer');
    return c;
  }

  links(customerId: number): Promise<CustomerExactLink[]> {
    return this.em.find(CustomerExactLink, { customer: customerId }, { orderBy: { division: 'asc' } });
  }

  count(): Promise<number> {
    return this.em.count(Customer, { status: 'active' });
  }

  locations(): Promise<Location[]> {
    return this.em.find(Location, {}, { orderBy: { name: 'asc' } });
  }

  async validate(body: unknown, exceptId?: number): Promise<CustomerInput> {
    const parsed = CustomerForm.safeParse(body ?? {});
    const errors: FieldErrors = parsed.success ? {} : toFieldErrors(parsed.error);
    if (parsed.success) {
      const { number, locationId } = parsed.data;
      if (number && (await this.em.count(Customer, { number, ...(exceptId ? { id: { $ne: exceptId } } : {}) }))) errors.number = ['validation.taken'];
      if (!(await this.em.count(Location, { id: locationId }))) errors.locationId = ['validation.required'];
    }
    if (Object.keys(errors).length || !parsed.success) throw new ValidationError(errors);
    return parsed.data;
  }

  async validateField(body: Record<string, unknown>, field: string, exceptId?: number): Promise<string | undefined> {
    return firstFieldError(() => this.validate(body, exceptId), field);
  }

  /** The next free numeric customer number (highest numeric number + 1). */
  private async nextNumber(em: EntityManager = this.em): Promise<string> {
    const rows = await em.getConnection().execute<{ n: string | null }[]>(`select max(number::numeric) as n from customers where number ~ '^[0-9]{1,17}$'`);
    const n = rows[0]?.n ? BigInt(rows[0].n) + 1n : 1n;
    return String(n);
  }

  private fields(input: CustomerInput) {
    return {
      type: input.type as CustomerType,
      name: input.name,
      contactPerson: input.contactPerson ?? null,
      street: input.street ?? null,
      houseNumber: input.houseNumber ?? null,
      postcode: input.postcode ?? null,
      city: input.city ?? null,
      country: input.country,
      email: input.email ?? null,
      phone: input.phone ?? null,
      vatNumber: input.vatNumber ?? null,
      cocNumber: input.cocNumber ?? null,
      location: this.em.getReference(Location, input.locationId),
    };
  }

  async create(body: unknown): Promise<{ customer: Customer; send?: SaveSend }> {
    const input = await this.validate(body);
    if ((body as Record<string, unknown> | undefined)?.confirmDuplicate !== 'on') await this.assertNoTwin(input);
    let customer: Customer | undefined;
    for (let attempt = 0; !customer; attempt++) {
      const number = input.number ?? (await this.nextNumber());
      const c = this.em.create(Customer, { ...this.fields(input), number });
      try {
        await this.em.flush();
        customer = c;
      } catch (e) {
        if (!isUniqueViolation(e)) throw e;
        this.em.clear();
        if (input.number || attempt >= 3) throw new ValidationError({ number: ['validation.taken'] });
      }
    }
    return { customer, send: await this.sendOnSave(customer.id) };
  }

  /** A customer with the same name and the same postcode and house number (as a person compares them) already exists. */
  private async assertNoTwin(input: CustomerInput): Promise<void> {
    const rows = await this.em.getConnection().execute<{ id: number; number: string; name: string }[]>(
      `select id, number, name from customers
        where status = 'active' and lower(regexp_replace(name, '\\s+', ' ', 'g')) = lower(?)
          and coalesce(upper(replace(postcode, ' ', '')), '') = ? and coalesce(lower(trim(house_number)), '') = ?
        order by id limit 1`,
      [input.name.replace(/\s+/g, ' ').trim(), (input.postcode ?? '').replace(/\s/g, '').toUpperCase(), (input.houseNumber ?? '').trim().toLowerCase()],
    );
    if (rows[0]) throw new DuplicateCustomerError(rows[0]);
  }

  async update(id: number, body: unknown): Promise<{ customer: Customer; send?: SaveSend }> {
    const c = await this.get(id);
    const input = await this.validate(body, id);
    const next = this.fields(input);
    const linked = (await this.em.count(CustomerExactLink, { customer: c, exactId: { $ne: null } })) > 0;
    const changed = EXACT_FIELDS.some((k) => (c[k] ?? null) !== (next[k] ?? null));
    // the number is the Code in Exact: it stays once the customer is linked to an account
    this.em.assign(c, { ...next, number: linked ? c.number : (input.number ?? c.number), version: changed ? c.version + 1 : c.version });
    await flushUnique(this.em, 'number');
    return { customer: c, send: changed ? await this.sendOnSave(c.id) : undefined };
  }

  async remove(id: number): Promise<Customer> {
    const c = await this.get(id);
    this.em.remove(c);
    await this.em.flush();
    return c;
  }

  /** Setting "when saved" of the customer's location: sends at once; a failure is reported, the save stands. */
  private async sendOnSave(customerId: number): Promise<SaveSend | undefined> {
    const c = await this.orm.em.fork().findOne(Customer, { id: customerId }, { populate: ['location'] });
    const loc = c?.location;
    if (!c || !loc?.exactDivision || loc.customerSendMoment !== 'saved') return undefined;
    try {
      return { result: await this.exporter.send(c.id, loc.exactDivision) };
    } catch (e) {
      if (e instanceof CustomerNotSendableError) return { problem: e.problems[0] };
      if (e instanceof CustomerConflictError) return { problem: { key: 'customers.problems.conflict', params: { number: c.number, name: c.name, division: loc.exactDivision } } };
      if (e instanceof ExactError) return { problem: { key: 'customers.problems.exactError', params: { number: c.number, name: c.name, message: e.exactMessage || e.message } } };
      throw e;
    }
  }

  // ---------------------------------------------------------------- settings

  async settings(em: EntityManager = this.em): Promise<CustomerSettings> {
    let s = await em.findOne(CustomerSettings, { id: 1 });
    if (!s) {
      await em.getConnection().execute(`insert into customer_settings (id) values (1) on conflict (id) do nothing`);
      s = await em.findOneOrFail(CustomerSettings, { id: 1 });
    }
    return s;
  }

  async saveSettings(input: { exactChanges: ExactChangesPolicy; importNew: boolean; moments: Record<number, 'saved' | 'first_invoice'> }): Promise<void> {
    const s = await this.settings();
    const locations = await this.em.find(Location, { id: { $in: Object.keys(input.moments).map(Number) } });
    // sending customers on every save needs the right to manage accounts in Exact (FeatureBlockedError, Health's words)
    const switchedOn = locations.filter((l) => l.customerSendMoment !== 'saved' && input.moments[l.id] === 'saved' && l.exactDivision);
    if (switchedOn.length) await this.health.gate('customers', switchedOn.map((l) => l.exactDivision!));
    s.exactChanges = input.exactChanges;
    s.importNew = input.importNew;
    for (const loc of locations) {
      loc.customerSendMoment = input.moments[loc.id];
    }
    await this.em.flush();
  }

  // ---------------------------------------------------------------- search and import from Exact

  async divisionOf(locationId: number): Promise<number> {
    const loc = await this.em.findOne(Location, { id: locationId });
    if (!loc) throw new NotFoundError('Location');
    if (!loc.exactDivision) throw new ValidationError({ locationId: ['validation.required'] });
    return loc.exactDivision;
  }

  /** "Search in Exact Online": name (contains), code or VAT number in the location's division; max 20 hits. */
  async searchExact(locationId: number, q: string): Promise<{ division: number; hits: ExactSearchHit[] }> {
    const division = await this.divisionOf(locationId);
    const text = q.trim().slice(0, 80);
    if (text.length < 2) return { division, hits: [] };
    const terms = [f.substringof(text, 'Name')];
    if (/^[A-Za-z0-9_-]{1,18}$/.test(text)) terms.push(f.code('Code', text));
    const vat = normaliseVat(text);
    if (/^[A-Z]{2}[0-9A-Z]{2,13}$/.test(vat)) terms.push(f.eq('VATNumber', vat));
    const rows = await this.client.division(division).accounts.all({ filter: f.or(...terms), select: ACCOUNT_SELECT, top: 20, orderby: 'Name' });
    const ids = rows.map((r) => r.ID.toLowerCase());
    const codes = rows.map((r) => trimCode(r.Code));
    const links = ids.length ? await this.em.find(CustomerExactLink, { division, exactId: { $in: [...ids, ...rows.map((r) => r.ID)] } }) : [];
    const byNumber = codes.length ? await this.em.find(Customer, { number: { $in: codes } }) : [];
    return {
      division,
      hits: rows.map((r) => ({
        id: r.ID,
        code: trimCode(r.Code),
        name: r.Name,
        city: r.City?.trim() ?? '',
        vatNumber: r.VATNumber ?? '',
        // known: linked to this account, or the same number AND the same company (a number alone is another company elsewhere)
        knownCustomerId: links.find((l) => l.exactId?.toLowerCase() === r.ID.toLowerCase())?.customer.id ?? byNumber.find((c) => c.number === trimCode(r.Code) && sameCompany(c, r))?.id,
      })),
    };
  }

  /**
   * Imports an Exact account as a business or private customer. When Koppel already knows it (same Exact ID in
   * the division, or same number) nothing is created and the existing customer is returned (`existed`).
   */
  async importFromExact(locationId: number, exactId: string, type: CustomerType): Promise<{ customer: Customer; existed: boolean }> {
    const division = await this.divisionOf(locationId);
    const known = await this.em.findOne(CustomerExactLink, { division, exactId: { $in: [exactId, exactId.toLowerCase()] } }, { populate: ['customer'] });
    if (known) return { customer: known.customer, existed: true };
    const api = this.client.division(division);
    const [account] = await api.accounts.all({ filter: f.guid('ID', exactId), select: [...ACCOUNT_SELECT, 'MainContact'] });
    if (!account) throw new NotFoundError('Exact account');
    const code = trimCode(account.Code);
    const sameNumber = await this.em.findOne(Customer, { number: code });
    // the same number is the same customer only when it is the same company (name, VAT or CoC number); otherwise the
    // account becomes a new customer with a number of its own in Koppel, and keeps its Code in this division
    if (sameNumber && sameCompany(sameNumber, account)) {
      if (!(await this.em.count(CustomerExactLink, { customer: sameNumber, division }))) {
        this.em.create(CustomerExactLink, { customer: sameNumber, division, exactId: account.ID, exactCode: code, state: 'linked' });
        await this.em.flush();
      }
      return { customer: sameNumber, existed: true };
    }
    let contactPerson: string | null = null;
    const mainContact = (account as ExactAccount & { MainContact?: string | null }).MainContact;
    if (mainContact) {
      try {
        const [contact] = await api.contacts.all({ filter: f.guid('ID', mainContact), select: ['FullName'] });
        contactPerson = contact?.FullName?.trim().slice(0, 120) || null;
      } catch (e) {
        this.logger.warn(`main contact of ${account.ID} not read: ${(e as Error).message}`);
      }
    }
    const number = sameNumber ? await this.nextNumber() : code;
    const customer = this.em.create(Customer, { ...customerDataFromAccount(account), number, type, contactPerson, location: this.em.getReference(Location, locationId) });
    this.em.create(CustomerExactLink, { customer, division, exactId: account.ID, exactCode: code, state: 'linked', sentVersion: 1, snapshot: snapshotOfAccount(account), syncedAt: new Date() });
    try {
      await this.em.flush();
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      this.em.clear();
      // a concurrent import of the same account was first
      const again = await this.em.findOne(CustomerExactLink, { division, exactId: { $in: [exactId, exactId.toLowerCase()] } }, { populate: ['customer'] });
      if (again) return { customer: again.customer, existed: true };
      throw e;
    }
    return { customer, existed: false };
  }

  // ---------------------------------------------------------------- Exact → Koppel (webhook handler and sync)

  /**
   * Handler for Exact's Accounts webhook (and the 15-minute sync). Idempotent; safe to run again after a crash.
   * 'Update' (also creation): reads the account (1 call) and creates an unknown customer (setting "new customers
   * from Exact"), or updates a linked one per the setting "changes in Exact" (update / review / ignore).
   * 'Delete' (also a merge in Exact), once Exact confirms the account is gone: the linked customer follows the surviving account (same Code, else the one
   * account with the same VAT or CoC number); when Koppel has that account as another customer, this one is marked
   * merged into it. Throws on Exact errors so the caller retries.
   */
  async onExactAccountChanged(division: number, accountId: string, action: 'Update' | 'Delete'): Promise<InboundResult> {
    const em = this.orm.em.fork();
    // a "Delete" is confirmed with Exact first (the same look-up as an update): an account that Exact still has
    // is never unlinked or merged on the word of a notification alone
    const [account] = await this.client.division(division).accounts.all({ filter: f.guid('ID', accountId), select: ACCOUNT_SELECT }, { kind: 'background' });
    if (!account) return this.onAccountDeleted(em, division, accountId);
    return this.applyAccount(em, division, account, { create: true });
  }

  /** Applies one account as Exact has it now. `create: false` during the first (baseline) sync: link, never create. */
  async applyAccount(em: EntityManager, division: number, account: ExactAccount, opts: { create: boolean }): Promise<InboundResult> {
    const settings = await this.settings(em);
    const link = await em.findOne(CustomerExactLink, { division, exactId: { $in: [account.ID, account.ID.toLowerCase()] } }, { populate: ['customer'] });
    if (link) return this.applyToLinked(em, link, account, settings.exactChanges);

    const code = trimCode(account.Code);
    const sameNumber = code ? await em.findOne(Customer, { number: code }) : null;
    // a number alone proves nothing: only the same company (name, VAT or CoC number) is linked
    const existing = sameNumber && sameCompany(sameNumber, account) ? sameNumber : null;
    if (existing) {
      const other = await em.findOne(CustomerExactLink, { customer: existing, division });
      if (!other) {
        // same number: linked; name/address are compared on the next send (conflict when they differ)
        em.create(CustomerExactLink, { customer: existing, division, exactId: account.ID, exactCode: code, state: 'linked' });
      } else if (!other.exactId) {
        other.exactId = account.ID;
        other.exactCode = code;
        if (other.state === 'error') other.state = 'linked';
      } else return 'skipped';
      await em.flush();
      return 'linked';
    }
    if (!opts.create || !settings.importNew || account.IsSales === false || !code || code.length > 18) return 'skipped';
    const location = await em.findOne(Location, { exactDivision: division }, { orderBy: { id: 'asc' } });
    if (!location) return 'skipped';
    // Koppel's number is the Code when it is free in Koppel, else the next free one; the Code stays on the link
    const customer = em.create(Customer, { ...customerDataFromAccount(account), number: sameNumber ? await this.nextNumber(em) : code, type: guessType(account), location });
    em.create(CustomerExactLink, { customer, division, exactId: account.ID, exactCode: code, state: 'linked', sentVersion: 1, snapshot: snapshotOfAccount(account), syncedAt: new Date() });
    try {
      await em.flush();
    } catch (e) {
      // a concurrent delivery of the same notification was first
      if (isUniqueViolation(e)) return 'unchanged';
      throw e;
    }
    return 'created';
  }

  private async applyToLinked(em: EntityManager, link: CustomerExactLink, account: ExactAccount, policy: ExactChangesPolicy): Promise<InboundResult> {
    const c = link.customer;
    const exact = snapshotOfAccount(account);
    const data = customerDataFromAccount(account);
    link.exactCode = trimCode(account.Code);
    const contactFields = ['email', 'phone', 'vatNumber', 'cocNumber'] as const;
    const nameAddressSame = sameSnapshot(exact, snapshotOfCustomer(c));
    const contactSame = contactFields.every((k) => (c[k] ?? null) === (data[k] ?? null));
    if (nameAddressSame && contactSame) {
      link.snapshot = exact;
      await em.flush();
      return 'unchanged';
    }
    // our own write coming back, or nothing that Exact changed since we agreed
    if (link.snapshot && sameSnapshot(link.snapshot, exact) && link.sentVersion !== c.version) return 'unchanged';
    if (policy === 'ignore') return 'ignored';
    const koppelPending = link.sentVersion !== c.version; // Koppel has changes Exact has not got yet
    const koppelNameAddressChanged = !!link.snapshot && !sameSnapshot(link.snapshot, snapshotOfCustomer(c));
    if (policy === 'review' || (!nameAddressSame && (koppelNameAddressChanged || (!link.snapshot && koppelPending)))) {
      if (nameAddressSame) return 'ignored';
      link.state = 'conflict';
      link.conflict = { exact, koppel: snapshotOfCustomer(c), origin: 'exact', at: new Date().toISOString() };
      await em.flush();
      return 'conflict';
    }
    const patch: Partial<CustomerData> = { name: data.name, street: data.street, houseNumber: data.houseNumber, postcode: data.postcode, city: data.city, country: data.country };
    if (!koppelPending) for (const k of contactFields) (patch as Record<string, unknown>)[k] = data[k];
    em.assign(c, { ...patch, version: c.version + 1 });
    if (!koppelPending) link.sentVersion = c.version;
    link.snapshot = exact;
    link.syncedAt = new Date();
    await em.flush();
    return 'updated';
  }

  /** An account deleted (or merged away) in Exact. */
  async onAccountDeleted(em: EntityManager, division: number, accountId: string): Promise<InboundResult> {
    const link = await em.findOne(CustomerExactLink, { division, exactId: { $in: [accountId, accountId.toLowerCase()] } }, { populate: ['customer'] });
    if (!link) return 'unknown';
    const c = link.customer;
    const code = link.exactCode || c.number;
    const terms = [f.code('Code', code)];
    if (c.vatNumber) terms.push(f.eq('VATNumber', c.vatNumber));
    if (c.cocNumber) terms.push(f.eq('ChamberOfCommerce', c.cocNumber));
    const rows = (await this.client.division(division).accounts.all({ filter: f.or(...terms), select: ACCOUNT_SELECT }, { kind: 'background' })).filter(
      (r) => r.ID.toLowerCase() !== accountId.toLowerCase(),
    );
    const unique = (xs: ExactAccount[]) => (xs.length === 1 ? xs[0] : undefined);
    const survivor =
      rows.find((r) => trimCode(r.Code) === code && sameCompany(c, r)) ??
      (c.vatNumber ? unique(rows.filter((r) => r.VATNumber && normaliseVat(r.VATNumber) === c.vatNumber)) : undefined) ??
      (c.cocNumber ? unique(rows.filter((r) => (r.ChamberOfCommerce ?? '').trim() === c.cocNumber)) : undefined);
    if (!survivor) {
      // deleted without a successor: the customer stays in Koppel, unlinked (sent again as new only on request)
      link.exactId = null;
      link.state = 'deleted';
      link.lastError = 'deleted in Exact';
      await em.flush();
      return 'unlinked';
    }
    const other = await em.findOne(CustomerExactLink, { division, exactId: { $in: [survivor.ID, survivor.ID.toLowerCase()] } }, { populate: ['customer'] });
    if (other && other.customer.id !== c.id) {
      // Koppel already has the surviving account as another customer: no duplicate, this one points there
      link.exactId = null;
      link.state = 'deleted';
      link.lastError = `merged into ${trimCode(survivor.Code)}`;
      c.status = 'merged';
      c.mergedIntoId = other.customer.id;
      await em.flush();
      return 'merged';
    }
    link.exactId = survivor.ID;
    link.exactCode = trimCode(survivor.Code);
    link.state = 'linked';
    link.snapshot = null;
    await em.flush();
    const settings = await this.settings(em);
    await this.applyToLinked(em, link, survivor, settings.exactChanges);
    return 'relinked';
  }

  /**
   * The Koppel customers linked to Exact accounts of a division (account ID → customer id), for other modules that
   * show Exact relations (planning cards): they point at the customer, never copy it. Merged customers resolve to
   * the customer they were merged into.
   */
  async linkedCustomerIds(division: number, accountIds: readonly string[]): Promise<Map<string, number>> {
    const ids = [...new Set(accountIds.filter(Boolean).map((a) => a.toLowerCase()))];
    if (!ids.length) return new Map();
    const rows = await this.orm.em.fork().getConnection().execute<{ exact_id: string; customer_id: number }[]>(
      `select lower(l.exact_id) as exact_id, coalesce(c.merged_into_id, c.id) as customer_id
         from customer_exact_links l join customers c on c.id = l.customer_id
        where l.division = ? and lower(l.exact_id) in (select jsonb_array_elements_text(?::jsonb)) and l.state <> 'deleted'`,
      [division, JSON.stringify(ids)],
    );
    return new Map(rows.map((r) => [r.exact_id, Number(r.customer_id)]));
  }

  /**
   * Exact relations another module imports as master data (planning: SalesRelation / PurchaseRelation) → the Koppel
   * customer each one is, never a new customer. The stored Exact ID first; an account not linked yet is linked to the
   * customer with its Code as number only when it is the same company (name, VAT or CoC number) and that customer
   * has no account in the division yet — the same rule as the customers sync. Returns account ID (lower case) →
   * customer id (merged customers resolve to the survivor).
   */
  async linkRelations(division: number, accounts: readonly ExactAccount[]): Promise<Map<string, number>> {
    const known = await this.linkedCustomerIds(division, accounts.map((a) => a.ID));
    const open = accounts.filter((a) => !known.has(a.ID.toLowerCase()) && trimCode(a.Code));
    if (!open.length) return known;
    const em = this.orm.em.fork();
    const byNumber = new Map((await em.find(Customer, { number: { $in: [...new Set(open.map((a) => trimCode(a.Code)))] } })).map((c) => [c.number, c]));
    const taken = new Set(
      (await em.find(CustomerExactLink, { division, customer: { $in: [...byNumber.values()].map((c) => c.id) } }, { populate: ['customer'] }))
        .filter((l) => l.exactId)
        .map((l) => l.customer.id),
    );
    let linked = 0;
    for (const a of open) {
      const c = byNumber.get(trimCode(a.Code));
      if (!c || taken.has(c.id) || c.status === 'merged' || !sameCompany(c, a as ExactAccount)) continue;
      const link = await em.findOne(CustomerExactLink, { customer: c, division });
      if (link) Object.assign(link, { exactId: a.ID, exactCode: trimCode(a.Code), state: link.state === 'error' ? 'linked' : link.state });
      else em.create(CustomerExactLink, { customer: c, division, exactId: a.ID, exactCode: trimCode(a.Code), state: 'linked' });
      taken.add(c.id);
      linked++;
    }
    if (linked) {
      try {
        await em.flush();
      } catch (e) {
        // the customers sync linked the same account meanwhile: what is stored now counts
        if (!isUniqueViolation(e)) throw e;
      }
    }
    return this.linkedCustomerIds(division, accounts.map((a) => a.ID));
  }

  /** A customer merged into another one, followed to the end (for invoices: bill the survivor). */
  async resolve(customerId: number): Promise<Customer> {
    const em = this.orm.em.fork();
    let c = await em.findOne(Customer, { id: customerId });
    for (let hops = 0; c?.status === 'merged' && c.mergedIntoId && hops < 5; hops++) c = await em.findOne(Customer, { id: c.mergedIntoId });
    if (!c) throw new NotFoundError('Customer');
    return c;
  }
}
