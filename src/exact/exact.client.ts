import { Injectable } from '@nestjs/common';
import { PlanningApi } from './planning.resources.js';
import { ExactTransport } from './transport.js';
import { BulkResource, Resource, SyncResource, type CallOptions } from './resource.js';
import { fromExact, lit, queryString } from './odata.js';
import { ExactForbiddenError, ExactServerError } from './errors.js';
import { readCollection, readSingle } from './envelope.js';
import type {
  ExactAccount,
  ExactContact,
  ExactCostDimension,
  ExactDeleted,
  ExactDivisionRecord,
  ExactDocument,
  ExactDocumentAttachment,
  ExactFinancialPeriod,
  ExactGLAccount,
  ExactJournal,
  ExactMe,
  ExactPaymentTerm,
  ExactReceivable,
  ExactSalesEntry,
  ExactTransactionLine,
  ExactVatCode,
  ExactWebhookSubscription,
} from './exact.types.js';

/** Everything Koppel reaches in one division (always an explicit division, never current/Me's). */
export class DivisionApi {
  readonly accounts: Resource<ExactAccount>;
  readonly accountsBulk: BulkResource<ExactAccount>;
  readonly accountsSync: SyncResource<ExactAccount>;
  readonly contacts: Resource<ExactContact>;
  readonly glAccounts: Resource<ExactGLAccount>;
  readonly glAccountsBulk: BulkResource<ExactGLAccount>;
  readonly glAccountsSync: SyncResource<ExactGLAccount>;
  readonly journals: Resource<ExactJournal>;
  readonly vatCodes: Resource<ExactVatCode>;
  readonly costCenters: Resource<ExactCostDimension>;
  readonly costUnits: Resource<ExactCostDimension>;
  readonly salesEntries: Resource<ExactSalesEntry>;
  readonly documents: Resource<ExactDocument>;
  readonly documentAttachments: Resource<ExactDocumentAttachment>;
  readonly receivables: Resource<ExactReceivable>;
  readonly transactionLines: Resource<ExactTransactionLine>;
  readonly transactionLinesBulk: BulkResource<ExactTransactionLine>;
  readonly transactionLinesSync: SyncResource<ExactTransactionLine>;
  readonly paymentTermsSync: SyncResource<ExactPaymentTerm>;
  readonly deleted: SyncResource<ExactDeleted>;
  readonly webhookSubscriptions: Resource<ExactWebhookSubscription>;
  readonly divisions: Resource<ExactDivisionRecord>;
  readonly financialPeriods: Resource<ExactFinancialPeriod>;

  constructor(
    private readonly http: ExactTransport,
    readonly division: number,
  ) {
    const d = division;
    this.accounts = new Resource(http, d, 'crm/Accounts', 'ID');
    this.accountsBulk = new BulkResource(http, d, 'bulk/CRM/Accounts', 'ID');
    this.accountsSync = new SyncResource(http, d, 'sync/CRM/Accounts', 'ID');
    this.contacts = new Resource(http, d, 'crm/Contacts', 'ID');
    this.glAccounts = new Resource(http, d, 'financial/GLAccounts', 'ID');
    this.glAccountsBulk = new BulkResource(http, d, 'bulk/Financial/GLAccounts', 'ID');
    this.glAccountsSync = new SyncResource(http, d, 'sync/Financial/GLAccounts', 'ID');
    this.journals = new Resource(http, d, 'financial/Journals', 'ID');
    this.vatCodes = new Resource(http, d, 'vat/VATCodes', 'ID');
    this.costCenters = new Resource(http, d, 'hrm/Costcenters', 'ID');
    this.costUnits = new Resource(http, d, 'hrm/Costunits', 'ID');
    this.salesEntries = new Resource(http, d, 'salesentry/SalesEntries', 'EntryID');
    this.documents = new Resource(http, d, 'documents/Documents', 'ID');
    this.documentAttachments = new Resource(http, d, 'documents/DocumentAttachments', 'ID');
    this.receivables = new Resource(http, d, 'cashflow/Receivables', 'ID');
    this.transactionLines = new Resource(http, d, 'financialtransaction/TransactionLines', 'ID');
    this.transactionLinesBulk = new BulkResource(http, d, 'bulk/Financial/TransactionLines', 'ID');
    this.transactionLinesSync = new SyncResource(http, d, 'sync/Financial/TransactionLines', 'ID');
    this.paymentTermsSync = new SyncResource(http, d, 'sync/Cashflow/PaymentTerms', 'ID');
    this.deleted = new SyncResource(http, d, 'sync/Deleted', 'ID');
    this.webhookSubscriptions = new Resource(http, d, 'webhooks/WebhookSubscriptions', 'ID');
    this.divisions = new Resource(http, d, 'system/Divisions', 'Code', ['Hid']);
    this.financialPeriods = new Resource(http, d, 'financial/FinancialPeriods', 'ID');
  }

  /**
   * users/UserHasRights: whether the connected user may call `endpoint` (e.g. "salesentry/SalesEntries") with
   * `action` (GET/POST/PUT/DELETE) in this division. False also when the division's package lacks the module.
   */
  async userHasRights(endpoint: string, action: 'GET' | 'POST' | 'PUT' | 'DELETE', opts: CallOptions = {}): Promise<boolean> {
    const path = `${this.division}/users/UserHasRights${queryString({ extra: { endpoint: lit.string(endpoint), action: lit.string(action) } })}`;
    const res = await this.http.request({ method: 'GET', path, division: this.division, ...opts });
    const row = readSingle(res.body) ?? readCollection(res.body)?.rows[0];
    return row?.UserHasRights === true;
  }

  /**
   * Why Exact refuses `endpoint` here, read from a one-row GET (`keyField` eq an empty GUID satisfies mandatory
   * filtering): null when it answers, else the 403's reason ('NoModuleInPackage', 'NoRights' or '' when Exact
   * gives none). Only called after UserHasRights said no, to tell a missing module from a missing right.
   */
  async refusal(endpoint: string, keyField = 'ID', opts: CallOptions = {}): Promise<string | null> {
    try {
      await this.resource(endpoint, keyField).first({ filter: `${keyField} eq ${lit.guid('00000000-0000-0000-0000-000000000000')}`, select: [keyField] }, opts);
      return null;
    } catch (e) {
      if (e instanceof ExactForbiddenError) return e.reason ?? '';
      throw e;
    }
  }

  /**
   * A resource not listed above. For declaring resources inside src/exact (e.g. planning.resources.ts) only: code outside
   * src/exact uses the named, typed resources (test/… and src/exact/closed-client.spec.ts check that).
   */
  resource<T>(path: string, keyField = 'ID', int64Fields: readonly string[] = ['Timestamp']): Resource<T> {
    return new Resource<T>(this.http, this.division, path, keyField, int64Fields);
  }
  sync<T extends { Timestamp?: bigint | null }>(path: string): SyncResource<T> {
    return new SyncResource<T>(this.http, this.division, path, 'ID');
  }
}

/** The Exact Online client, shaped like stripe-node: resources per endpoint group, per division. */
@Injectable()
export class ExactClient {
  constructor(private readonly http: ExactTransport) {}

  division(code: number): DivisionApi {
    if (!Number.isInteger(code) || code <= 0) throw new TypeError(`not a division number: ${code}`);
    return new DivisionApi(this.http, code);
  }

  /** The planning side of one division (src/exact/planning.resources.ts). */
  planning(code: number): PlanningApi {
    if (!Number.isInteger(code) || code <= 0) throw new TypeError(`not a division number: ${code}`);
    return new PlanningApi(this.http, code);
  }

  /** current/Me: the one endpoint without a division; its single user comes as a one-row collection (either envelope). */
  async me(opts: CallOptions = {}): Promise<ExactMe> {
    const res = await this.http.request({ method: 'GET', path: 'current/Me', ...opts });
    const row = readCollection(res.body)?.rows[0] ?? readSingle(res.body);
    if (!row) throw new ExactServerError(res.status, 'current/Me returned no user', undefined, 'current/Me');
    return fromExact<ExactMe>(row, ['Legislation']);
  }

  /** The divisions the user can reach, read through `current` (the division current/Me named), following __next. */
  async divisionList(current: number, select: readonly string[], opts: CallOptions = {}): Promise<ExactDivisionRecord[]> {
    const rows: ExactDivisionRecord[] = [];
    for await (const p of this.division(current).divisions.listPages({ select }, opts)) rows.push(...p.rows);
    return rows;
  }
}
