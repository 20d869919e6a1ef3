import { Injectable, Logger } from '@nestjs/common';
import { MikroORM, type EntityManager, type FilterQuery } from '@mikro-orm/postgresql';
import { ExactClient } from '../../exact/exact.client.js';
import { ExactConnectionService } from '../../exact/connection.service.js';
import { ExactError, ExactServerError, ExactValidationError } from '../../exact/errors.js';
import { writeOnce, type WriteOutcome } from '../../exact/write-once.js';
import { f } from '../../exact/odata.js';
import type { CallKind } from '../../exact/rate-limiter.js';
import type { ExactAccount } from '../../exact/exact.types.js';
import { Clock } from '../../common/clock.js';
import { NotFoundError } from '../../common/errors.js';
import { Customer, CustomerExactLink, CustomerSettings, type ExportSummary, type LinkConflict } from './customer.entity.js';
import {
  ACCOUNT_SELECT,
  changedFields,
  customerDataFromAccount,
  hasAddress,
  sameCompany,
  sameSnapshot,
  snapshotDiff,
  snapshotOfAccount,
  snapshotOfCustomer,
  toExactAccount,
  trimCode,
  vatProblem,
} from './customer.mapping.js';
import { CustomerConflictError, CustomerNotSendableError, type CustomerProblem } from './customers.errors.js';

/** Which customers "Export customers" sends (all of them that are new or changed within the filter). */
export interface ExportFilter {
  locationId?: number;
  /** Search text as in the customer list (name, number, city, VAT number). */
  q?: string;
  customerIds?: number[];
  /** Only customers whose location books into this division. */
  division?: number;
}

export type ConflictChoice = 'new' | 'exact' | 'koppel';

export interface SendOptions {
  kind?: CallKind;
}

export type SendResult = { exactId: string; action: 'created' | 'updated' | 'unchanged' | 'linked' };

/** ~40 values per `or` filter keep the URL short (API.md §9 #25). */
export const LOOKUP_BATCH = 40;

class CallCounter {
  n = 0;
}

/** What a lookup found: the customer's account, or that its Code belongs to another company in this division. */
interface Found {
  account?: ExactAccount;
  codeTaken: boolean;
}

/** The Code of the customer in this division: the one Exact gave it there (kept per division), else Koppel's number. */
export const codeIn = (c: Customer, link: CustomerExactLink | null | undefined): string => link?.exactCode || c.number;

/**
 * Koppel → Exact for customers. Public API for other modules (invoices):
 *
 * - `preflight(customerId, division)` → problems (i18n keys + params): no address, invalid VAT number, name/address
 *   differs from Exact (also stored for the side-by-side choice on the customer page), merged customer.
 * - `ensureInExact(customerId, division)` → the Exact account ID. Creates or updates the account: matched by stored
 *   Exact ID, else by Code (Koppel's number padded to 18), else created with Koppel's number as Code. Throws
 *   CustomerNotSendableError / CustomerConflictError; never re-POSTs blindly (after an unclear outcome it looks the
 *   account up by code first). Costs 0 calls when the account is up to date, else 1 lookup + at most 1 write.
 *   This is also the "first invoice" trigger for locations set to send customers with their first invoice.
 * - `exportChanged(filter)` → summary: every new or changed customer of the filter, one lookup per 40 customers plus
 *   at most one POST/PUT per customer.
 */
@Injectable()
export class CustomerExportService {
  private readonly logger = new Logger('CustomerExport');

  constructor(
    private readonly orm: MikroORM,
    private readonly client: ExactClient,
    private readonly connection: ExactConnectionService,
    private readonly clock: Clock,
  ) {}

  /** Problems that Koppel knows without asking Exact. */
  localProblems(c: Customer): CustomerProblem[] {
    const p: CustomerProblem[] = [];
    const params = { number: c.number, name: c.name };
    if (c.status === 'merged') p.push({ key: 'customers.problems.merged', params });
    if (!hasAddress(c)) p.push({ key: 'customers.problems.noAddress', params });
    if (vatProblem(c)) p.push({ key: 'customers.problems.invalidVat', params: { ...params, vatNumber: c.vatNumber } });
    return p;
  }

  /** What stops the customer from going to Exact for an invoice in this division (one Exact lookup at most). */
  async preflight(customerId: number, division: number, opts: SendOptions = {}): Promise<CustomerProblem[]> {
    const em = this.orm.em.fork();
    const c = await em.findOne(Customer, { id: customerId });
    if (!c) return [{ key: 'customers.problems.notFound', params: { id: customerId } }];
    const problems = this.localProblems(c);
    const link = await em.findOne(CustomerExactLink, { customer: c, division });
    if (link?.state === 'conflict') return [...problems, conflictProblem(c, link)];
    if (problems.length) return problems;
    if (link?.exactId && link.state === 'linked' && link.sentVersion === c.version) return problems;
    const { account } = await this.lookupOne(em, division, c, link, opts, new CallCounter());
    if (account) {
      const verdict = await this.decide(em, c, link, account);
      if (verdict === 'conflict') {
        const l = await this.saveConflict(em, c, link, division, account, 'send');
        problems.push(conflictProblem(c, l));
      }
    }
    return problems;
  }

  /** The customer's account in Exact, created or updated as needed; returns the Exact account ID. */
  async ensureInExact(customerId: number, division: number, opts: SendOptions = {}): Promise<string> {
    return (await this.send(customerId, division, opts)).exactId;
  }

  /** ensureInExact with what it did (created / updated / unchanged / linked). */
  async send(customerId: number, division: number, opts: SendOptions = {}, counter = new CallCounter()): Promise<SendResult> {
    const em = this.orm.em.fork();
    let c = await em.findOne(Customer, { id: customerId });
    if (!c) throw new NotFoundError('Customer');
    // an account merged away in Exact: follow the surviving customer
    for (let hops = 0; c.status === 'merged' && c.mergedIntoId && hops < 5; hops++) {
      const next: Customer | null = await em.findOne(Customer, { id: c.mergedIntoId });
      if (!next) break;
      c = next;
    }
    await this.connection.assertDivision(division);
    const link = await em.findOne(CustomerExactLink, { customer: c, division });
    if (link?.state === 'conflict') throw new CustomerConflictError(c.id, division);
    if (link?.exactId && link.state === 'linked' && link.sentVersion === c.version) return { exactId: link.exactId, action: 'unchanged' };
    const problems = this.localProblems(c);
    if (problems.length) throw new CustomerNotSendableError(c.id, problems);
    const found = await this.lookupOne(em, division, c, link, opts, counter);
    return this.push(em, c, link, division, found.account, opts, counter, false, found.codeTaken);
  }

  /** One lookup: by stored ID or by the padded Code (of this division) in a single filter; see match(). */
  private async lookupOne(em: EntityManager, division: number, c: Customer, link: CustomerExactLink | null, opts: SendOptions, counter: CallCounter): Promise<Found> {
    const code = codeIn(c, link);
    const filter = link?.exactId ? f.or(f.guid('ID', link.exactId), f.code('Code', code)) : f.code('Code', code);
    counter.n++;
    const rows = await this.client.division(division).accounts.all({ filter, select: ACCOUNT_SELECT }, { kind: opts.kind });
    return this.match(em, c, link, division, rows, code);
  }

  /**
   * The customer's account among looked-up rows: the stored ID first; by Code only when it is the same company (name,
   * VAT or CoC number) and no other Koppel customer has that account. Another company under the same Code is never
   * linked, compared or written: `codeTaken`, and the customer gets a new account with a number Exact assigns.
   */
  private async match(em: EntityManager, c: Customer, link: CustomerExactLink | null, division: number, rows: ExactAccount[], code = codeIn(c, link)): Promise<Found> {
    const byId = link?.exactId ? rows.find((r) => r.ID.toLowerCase() === link.exactId!.toLowerCase()) : undefined;
    if (byId) return { account: byId, codeTaken: false };
    const byCode = rows.find((r) => trimCode(r.Code) === code);
    if (!byCode) return { codeTaken: false };
    const other = await em.findOne(CustomerExactLink, { division, exactId: { $in: [byCode.ID, byCode.ID.toLowerCase()] }, customer: { $ne: c.id } });
    if (!other && sameCompany(c, byCode)) return { account: byCode, codeTaken: false };
    return { codeTaken: true };
  }

  /**
   * 'ok': send Koppel's data; 'adopt': Exact changed name/address and Koppel did not (setting "update") → take
   * Exact's; 'conflict': both differ → the user chooses.
   */
  private async decide(em: EntityManager, c: Customer, link: CustomerExactLink | null, account: ExactAccount): Promise<'ok' | 'adopt' | 'conflict'> {
    const koppel = snapshotOfCustomer(c);
    const exact = snapshotOfAccount(account);
    if (sameSnapshot(koppel, exact)) return 'ok';
    const sameAccount = !!link?.exactId && link.exactId.toLowerCase() === account.ID.toLowerCase();
    if (sameAccount && link?.snapshot) {
      if (sameSnapshot(link.snapshot, exact)) return 'ok'; // Exact unchanged since we agreed: Koppel's change goes out
      if (sameSnapshot(link.snapshot, koppel)) {
        const settings = await em.findOne(CustomerSettings, { id: 1 });
        if ((settings?.exactChanges ?? 'update') === 'update') return 'adopt';
      }
    }
    return 'conflict';
  }

  private async saveConflict(em: EntityManager, c: Customer, link: CustomerExactLink | null, division: number, account: ExactAccount, origin: LinkConflict['origin']): Promise<CustomerExactLink> {
    const l = link ?? em.create(CustomerExactLink, { customer: c, division });
    // an account already linked to another customer stays theirs; this customer only records the difference
    const taken = await em.findOne(CustomerExactLink, { division, exactId: account.ID, customer: { $ne: c.id } });
    if (!taken) {
      l.exactId = account.ID;
      l.exactCode = trimCode(account.Code);
    }
    l.state = 'conflict';
    l.conflict = { exact: snapshotOfAccount(account), koppel: snapshotOfCustomer(c), origin, at: this.clock.now().toISOString() };
    l.lastError = null;
    await em.flush();
    return l;
  }

  /** Sends one customer given what the lookup found (undefined: no account yet → POST with Koppel's number). */
  private async push(
    em: EntityManager,
    c: Customer,
    link: CustomerExactLink | null,
    division: number,
    account: ExactAccount | undefined,
    opts: SendOptions,
    counter: CallCounter,
    afterUnclear = false,
    codeTaken = false,
  ): Promise<SendResult> {
    const api = this.client.division(division).accounts;
    try {
      if (account) {
        const verdict = await this.decide(em, c, link, account);
        if (verdict === 'conflict') {
          await this.saveConflict(em, c, link, division, account, 'send');
          throw new CustomerConflictError(c.id, division);
        }
        if (verdict === 'adopt') {
          const d = customerDataFromAccount(account);
          em.assign(c, { name: d.name, street: d.street, houseNumber: d.houseNumber, postcode: d.postcode, city: d.city, country: d.country, version: c.version + 1 });
        }
        const diff = changedFields(toExactAccount(c), account);
        if (Object.keys(diff).length) {
          counter.n++;
          await api.update(account.ID, diff, { kind: opts.kind });
        }
        await this.saveLinked(em, c, link, division, account.ID, account.Code);
        const action = afterUnclear ? 'created' : !link?.exactId || link.exactId.toLowerCase() !== account.ID.toLowerCase() ? (Object.keys(diff).length ? 'updated' : 'linked') : Object.keys(diff).length ? 'updated' : 'unchanged';
        return { exactId: account.ID, action };
      }
      // a new account: with the customer's Code when it is free in this division, else numbered by Exact
      return await this.createAccount(em, c, link, division, codeTaken ? undefined : codeIn(c, link), opts, counter);
    } catch (e) {
      if (!(e instanceof CustomerConflictError)) await this.saveError(em, c, link, division, e);
      throw e;
    }
  }

  /**
   * POST of a new account. `code` undefined: Exact assigns the next free number of the division. Never POSTs again
   * blindly: after an unclear outcome it looks the account up by our own reference (the Code sent; without one, the
   * name with the same address that no Koppel customer has yet); when the Code was taken meanwhile by another company,
   * Exact numbers the account instead (the first POST was refused, so nothing exists twice).
   */
  private async createAccount(em: EntityManager, c: Customer, link: CustomerExactLink | null, division: number, code: string | undefined, opts: SendOptions, counter: CallCounter, renumbered = false): Promise<SendResult> {
    const api = this.client.division(division).accounts;
    const codeExists = (e: unknown) => !!code && e instanceof ExactValidationError && e.httpStatus === 400 && /code/i.test(e.exactMessage ?? '');
    let codeTaken = false;
    let outcome: WriteOutcome<ExactAccount>;
    try {
      outcome = await writeOnce<ExactAccount>({
        post: () => {
          counter.n++;
          return api.create({ ...(code ? { Code: code } : {}), ...toExactAccount(c), Status: 'C' } as Partial<ExactAccount>, { kind: opts.kind });
        },
        lookUpAfterUnclear: true,
        mayAlreadyExist: codeExists,
        lookup: async () => {
          counter.n++;
          if (code) {
            const rows = await api.all({ filter: f.code('Code', code), select: ACCOUNT_SELECT }, { kind: opts.kind });
            const found = await this.match(em, c, null, division, rows, code);
            codeTaken = found.codeTaken;
            return found.account;
          }
          const rows = await api.all({ filter: f.eq('Name', toExactAccount(c).Name as string), select: ACCOUNT_SELECT }, { kind: opts.kind });
          const mine = snapshotOfCustomer(c);
          for (const r of rows.filter((x) => sameSnapshot(snapshotOfAccount(x), mine))) {
            if (!(await em.findOne(CustomerExactLink, { division, exactId: { $in: [r.ID, r.ID.toLowerCase()] } }))) return r;
          }
          return undefined;
        },
      });
    } catch (e) {
      // the Code belongs to another company in this division: Exact numbers the account instead
      if (codeExists(e) && codeTaken && !renumbered) return this.createAccount(em, c, link, division, undefined, opts, counter, true);
      throw e;
    }
    if (outcome.how !== 'created') return this.push(em, c, link, division, outcome.value, opts, counter, outcome.how === 'found_after_unclear');
    const created = outcome.value;
    if (!created.ID) throw new ExactServerError(201, 'Exact returned no account ID', division, 'crm/Accounts');
    await this.saveLinked(em, c, link, division, created.ID, created.Code ?? code ?? '');
    return { exactId: created.ID, action: 'created' };
  }

  private async saveLinked(em: EntityManager, c: Customer, link: CustomerExactLink | null, division: number, exactId: string, code: string): Promise<void> {
    const l = link ?? em.create(CustomerExactLink, { customer: c, division });
    l.exactId = exactId;
    l.exactCode = trimCode(code) || c.number;
    l.state = 'linked';
    l.sentVersion = c.version;
    l.snapshot = snapshotOfCustomer(c);
    l.conflict = null;
    l.lastError = null;
    l.syncedAt = this.clock.now();
    await em.flush();
  }

  private async saveError(em: EntityManager, c: Customer, link: CustomerExactLink | null, division: number, e: unknown): Promise<void> {
    try {
      const l = link ?? em.create(CustomerExactLink, { customer: c, division, state: 'error' });
      l.lastError = e instanceof ExactError ? `${e.message}${e.exactMessage && !e.message.includes(e.exactMessage) ? `: ${e.exactMessage}` : ''}` : String((e as Error)?.message ?? e);
      if (!l.exactId) l.state = 'error';
      await em.flush();
    } catch (err) {
      this.logger.warn(`could not record the send error of customer ${c.id}: ${(err as Error).message}`);
    }
  }

  /**
   * The user's choice on a name/address conflict: "create as a new relation with a new number" (the account found stays
   * as it is; Exact numbers a new one), "use Exact's" (update Koppel) or "use Koppel's" (update Exact).
   */
  async resolveConflict(customerId: number, division: number, choice: ConflictChoice, opts: SendOptions = {}): Promise<SendResult> {
    const em = this.orm.em.fork();
    const c = await em.findOne(Customer, { id: customerId });
    if (!c) throw new NotFoundError('Customer');
    const link = await em.findOne(CustomerExactLink, { customer: c, division });
    if (!link || link.state !== 'conflict') throw new NotFoundError('Conflict');
    const counter = new CallCounter();
    if (choice === 'new') {
      const problems = this.localProblems(c);
      if (problems.length) throw new CustomerNotSendableError(c.id, problems);
      em.assign(link, { state: 'error', exactId: null, exactCode: null, conflict: null, snapshot: null, sentVersion: null, lastError: null });
      await em.flush();
      return this.push(em, c, link, division, undefined, opts, counter, false, true);
    }
    if (!link.exactId) throw new NotFoundError('Conflict');
    const api = this.client.division(division).accounts;
    const rows = await api.all({ filter: f.guid('ID', link.exactId), select: ACCOUNT_SELECT }, { kind: opts.kind });
    const account = rows[0];
    if (!account) {
      // the account is gone meanwhile: forget it and send as new (matched by code again)
      em.assign(link, { state: 'error', exactId: null, conflict: null });
      await em.flush();
      return this.send(customerId, division, opts, counter);
    }
    if (choice === 'exact') {
      const d = customerDataFromAccount(account);
      em.assign(c, { name: d.name, street: d.street, houseNumber: d.houseNumber, postcode: d.postcode, city: d.city, country: d.country, version: c.version + 1 });
    }
    // both sides now agree on name/address: remember it, so the push below is not a conflict again
    link.snapshot = snapshotOfAccount(account);
    link.state = 'linked';
    link.conflict = null;
    await em.flush();
    const problems = this.localProblems(c);
    if (problems.length) throw new CustomerNotSendableError(c.id, problems);
    return this.push(em, c, link, division, account, opts, counter);
  }

  /**
   * Sends every customer of the filter that is new or changed. Lookups are batched (40 per filtered GET), then at
   * most one POST or PUT per customer. Customers with a conflict or a problem are counted and skipped.
   */
  async exportChanged(filter: ExportFilter = {}, opts: SendOptions & { onProgress?: (s: ExportSummary) => Promise<void> | void } = {}): Promise<ExportSummary> {
    const kind = opts.kind ?? 'background';
    const em = this.orm.em.fork();
    const summary: ExportSummary = { total: 0, done: 0, created: 0, updated: 0, unchanged: 0, conflicts: 0, problems: 0, failed: 0, apiCalls: 0, errors: [] };
    const counter = new CallCounter();
    const where: FilterQuery<Customer> = { status: 'active', location: { exactDivision: filter.division ? filter.division : { $ne: null } } };
    if (filter.locationId) (where as Record<string, unknown>).location = { id: filter.locationId, exactDivision: { $ne: null } };
    if (filter.customerIds?.length) where.id = { $in: filter.customerIds };
    if (filter.q) {
      const like = `%${filter.q}%`;
      where.$or = [{ name: { $ilike: like } }, { number: { $ilike: like } }, { city: { $ilike: like } }, { vatNumber: { $ilike: like } }];
    }
    const customers = await em.find(Customer, where, { populate: ['location'], orderBy: { id: 'asc' } });
    const links = customers.length ? await em.find(CustomerExactLink, { customer: { $in: customers.map((c) => c.id) } }) : [];
    const linkOf = new Map(links.map((l) => [`${l.customer.id}:${l.division}`, l]));

    // what needs sending, per division
    const todo = new Map<number, { c: Customer; link: CustomerExactLink | null }[]>();
    for (const c of customers) {
      const division = c.location!.exactDivision!;
      const link = linkOf.get(`${c.id}:${division}`) ?? null;
      if (link?.exactId && link.state === 'linked' && link.sentVersion === c.version) continue;
      summary.total++;
      if (link?.state === 'conflict') {
        summary.conflicts++;
        summary.done++;
        summary.errors.push({ customerId: c.id, number: c.number, ...conflictProblem(c, link) });
        continue;
      }
      const problems = this.localProblems(c);
      if (problems.length) {
        summary.problems++;
        summary.done++;
        summary.errors.push({ customerId: c.id, number: c.number, ...problems[0] });
        continue;
      }
      (todo.get(division) ?? todo.set(division, []).get(division)!).push({ c, link });
    }
    await opts.onProgress?.({ ...summary, apiCalls: counter.n });

    for (const [division, items] of todo) {
      await this.connection.assertDivision(division);
      const api = this.client.division(division).accounts;
      for (let i = 0; i < items.length; i += LOOKUP_BATCH) {
        // a fresh unit of work per batch keeps each flush small
        const bem = this.orm.em.fork();
        const ids = items.slice(i, i + LOOKUP_BATCH).map((x) => x.c.id);
        const bCustomers = await bem.find(Customer, { id: { $in: ids } }, { orderBy: { id: 'asc' } });
        const bLinks = new Map((await bem.find(CustomerExactLink, { customer: { $in: ids }, division })).map((l) => [l.customer.id, l]));
        const batch = bCustomers.map((c) => ({ c, link: bLinks.get(c.id) ?? null }));
        // one filtered lookup for the whole batch: stored IDs and padded codes
        const terms = batch.map(({ c, link }) => (link?.exactId ? f.guid('ID', link.exactId) : f.code('Code', codeIn(c, link))));
        counter.n++;
        const rows = await api.all({ filter: f.or(...terms), select: ACCOUNT_SELECT }, { kind });
        for (const { c, link } of batch) {
          try {
            let found = await this.match(bem, c, link, division, rows);
            if (!found.account && link?.exactId) found = await this.lookupOne(bem, division, c, link, { kind }, counter); // stored ID gone: by code
            const r = await this.push(bem, c, link, division, found.account, { kind }, counter, false, found.codeTaken);
            if (r.action === 'created') summary.created++;
            else if (r.action === 'unchanged') summary.unchanged++;
            else summary.updated++;
          } catch (e) {
            if (e instanceof CustomerConflictError) {
              summary.conflicts++;
              summary.errors.push({ customerId: c.id, number: c.number, key: 'customers.problems.conflict', params: { number: c.number, name: c.name, division } });
            } else {
              summary.failed++;
              const ex = e instanceof ExactError ? e : undefined;
              summary.errors.push({ customerId: c.id, number: c.number, key: 'customers.problems.exactError', params: { number: c.number, name: c.name, message: ex?.exactMessage ?? (e as Error).message } });
              // a connection or budget problem stops the run; the rest stays "changed" for the next one
              if (ex && ['auth', 'not_connected', 'blocked', 'rate_limit'].includes(ex.kind)) {
                summary.done++;
                summary.apiCalls = counter.n;
                throw Object.assign(e as Error, { summary });
              }
            }
          }
          summary.done++;
          if (summary.done % 10 === 0) await opts.onProgress?.({ ...summary, apiCalls: counter.n });
        }
      }
    }
    summary.apiCalls = counter.n;
    summary.errors = summary.errors.slice(0, 200);
    await opts.onProgress?.(summary);
    return summary;
  }
}

function conflictProblem(c: Customer, link: CustomerExactLink): CustomerProblem {
  const fields = link.conflict ? snapshotDiff(link.conflict.koppel, link.conflict.exact) : [];
  return { key: 'customers.problems.conflict', params: { number: c.number, name: c.name, division: link.division, fields: fields.join(', ') } };
}
