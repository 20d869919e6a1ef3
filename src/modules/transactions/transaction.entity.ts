import { Entity, Index, ManyToOne, Property, Unique } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../../database/base.entity.js';
import { Location } from '../locations/location.entity.js';
import { GlAccount } from '../ledgers/gl-account.entity.js';
import { Customer } from '../customers/customer.entity.js';
import { Invoice } from '../invoices/invoice.entity.js';

/** How the money moved at the desk: cash goes to the cash journal, anything else (PIN, card, transfer) to the general journal. */
export type PaymentMethod = 'cash' | 'other';
export const PAYMENT_METHODS: readonly PaymentMethod[] = ['cash', 'other'];

/** Money received ('in') or paid out ('out', e.g. a refund): the sign the amount is booked with. */
export type TransactionDirection = 'in' | 'out';
export const TRANSACTION_DIRECTIONS: readonly TransactionDirection[] = ['in', 'out'];

/**
 * Export state of one transaction: queued → sending (its day's batch is recorded, the entry is on its way or its
 * outcome is unclear) → sent; blocked (a preflight problem of its location) or failed (Exact refused) until re-queued.
 */
export type TransactionState = 'queued' | 'blocked' | 'sending' | 'sent' | 'failed';
export const TRANSACTION_STATES: readonly TransactionState[] = ['queued', 'blocked', 'sending', 'sent', 'failed'];

/** A configurable kind of desk transaction (desk payment, refund, deposit, correction, …). */
@Entity({ tableName: 'transaction_type' })
export class TransactionType extends BaseEntity<'cash' | 'direction' | 'active' | 'glAccount'> {
  @Unique()
  @Property({ type: 'string', length: 80 })
  name!: string;

  /**
   * The GL account the transaction is booked against: in the cash journal the counter account of the cash, in the
   * general journal the account the money arrives on (e.g. PIN in transit) against the customer. A location may override it.
   */
  @ManyToOne(() => GlAccount, { nullable: true, deleteRule: 'set null' })
  glAccount?: GlAccount | null;

  /** Paid in cash by default (the form's initial payment method). */
  @Property({ type: 'boolean', default: true })
  cash = true;

  @Property({ type: 'string', length: 3, default: 'in' })
  direction: TransactionDirection = 'in';

  @Property({ type: 'boolean', default: true })
  active = true;
}

/** What a location (branch) must set to forward transactions (the ProPlanner article's list). Owned by this module. */
@Entity({ tableName: 'transaction_location_settings' })
export class TransactionLocationSettings extends BaseEntity<'cashJournalCode' | 'miscJournalCode' | 'descriptionTemplate' | 'debtorsGlAccount'> {
  @ManyToOne(() => Location, { deleteRule: 'cascade', unique: true })
  location!: Location;

  /** Exact journal for cash transactions (Type 10 cash). */
  @Property({ type: 'string', length: 20, nullable: true })
  cashJournalCode?: string | null;

  /** Exact journal for the other (non-cash) transactions (Type 90 general journal). */
  @Property({ type: 'string', length: 20, nullable: true })
  miscJournalCode?: string | null;

  /** Description sent with each line; placeholders {location} {date} {type} {description} {customer} {invoice}. */
  @Property({ type: 'string', length: 200, nullable: true })
  descriptionTemplate?: string | null;

  /** The GL account for customers (debtors, Exact Type 20). */
  @ManyToOne(() => GlAccount, { nullable: true, deleteRule: 'set null' })
  debtorsGlAccount?: GlAccount | null;
}

/** The GL account a location uses for one transaction type (instead of the type's own). */
@Entity({ tableName: 'transaction_type_gl' })
@Unique({ properties: ['location', 'type'] })
export class TransactionTypeGl extends BaseEntity {
  @ManyToOne(() => Location, { deleteRule: 'cascade' })
  location!: Location;

  @ManyToOne(() => TransactionType, { deleteRule: 'cascade' })
  type!: TransactionType;

  @ManyToOne(() => GlAccount, { deleteRule: 'cascade' })
  glAccount!: GlAccount;
}

/** Which journal a batch goes to. */
export type BatchKind = 'cash' | 'general';
/** sending: recorded before the call, outcome not (yet) known; sent: Exact has it; failed: Exact refused it. */
export type BatchState = 'sending' | 'sent' | 'failed';

/**
 * One entry in Exact: the transactions of one location, day and journal. Recorded (with its transactions) BEFORE the
 * POST; after any unclear outcome it is looked up in Exact by `reference` (sent as the lines' Notes) before anything
 * is posted again. A later batch of the same day (sequence 2, 3, …) is the supplementary entry for late transactions.
 */
@Entity({ tableName: 'transaction_batch' })
@Unique({ properties: ['location', 'date', 'kind', 'sequence'] })
@Index({ properties: ['division', 'state'] })
export class TransactionBatch extends BaseEntity<'exactEntryId' | 'exactEntryNumber' | 'lastError' | 'attempts' | 'sentAt'> {
  @ManyToOne(() => Location, { deleteRule: 'restrict' })
  location!: Location;

  @Property({ type: 'integer' })
  division!: number;

  @Property({ type: 'date' })
  date!: string;

  @Property({ type: 'string', length: 10 })
  kind!: BatchKind;

  @Property({ type: 'integer' })
  sequence!: number;

  @Property({ type: 'string', length: 20 })
  journalCode!: string;

  /** Our own reference, unique: what a lookup after an unclear outcome searches for. */
  @Unique()
  @Property({ type: 'string', length: 80 })
  reference!: string;

  @Property({ type: 'string', length: 10 })
  state!: BatchState;

  @Property({ type: 'uuid', nullable: true })
  exactEntryId?: string | null;

  @Property({ type: 'integer', nullable: true })
  exactEntryNumber?: number | null;

  @Property({ type: 'text', nullable: true })
  lastError?: string | null;

  @Property({ type: 'integer', default: 0 })
  attempts = 0;

  @Property({ type: 'datetime', nullable: true })
  sentAt?: Date | null;
}

/** A preflight problem: an i18n key with its parameters. */
export interface TransactionProblem {
  key: string;
  params?: Record<string, unknown>;
}

/** Money received or paid at the desk. Never changed once recorded: a mistake is reversed by a new transaction. */
@Entity({ tableName: 'desk_transaction' })
@Index({ properties: ['state', 'location', 'date'] })
@Index({ properties: ['location', 'date'] })
export class DeskTransaction extends BaseEntity<'customer' | 'invoice' | 'reversalOf' | 'state' | 'batch' | 'lastError' | 'problems' | 'createdBy'> {
  @ManyToOne(() => Location, { deleteRule: 'restrict' })
  location!: Location;

  @ManyToOne(() => TransactionType, { deleteRule: 'restrict' })
  type!: TransactionType;

  @Property({ type: 'date' })
  date!: string;

  /** Signed: positive = received, negative = paid out. */
  @Property({ type: 'decimal', precision: 14, scale: 2 })
  amount!: string;

  @Property({ type: 'string', length: 10 })
  method!: PaymentMethod;

  @ManyToOne(() => Customer, { nullable: true, deleteRule: 'restrict' })
  customer?: Customer | null;

  /** A desk payment of this invoice: booked with the invoice number as reference so Exact matches it. */
  @ManyToOne(() => Invoice, { nullable: true, deleteRule: 'restrict' })
  invoice?: Invoice | null;

  @Property({ type: 'string', length: 200 })
  description!: string;

  @ManyToOne(() => DeskTransaction, { nullable: true, deleteRule: 'restrict' })
  reversalOf?: DeskTransaction | null;

  @Property({ type: 'string', length: 10, default: 'queued' })
  state: TransactionState = 'queued';

  @ManyToOne(() => TransactionBatch, { nullable: true, deleteRule: 'set null' })
  batch?: TransactionBatch | null;

  /** Exact's own text when it refused the entry. */
  @Property({ type: 'text', nullable: true })
  lastError?: string | null;

  /** Preflight problems of its location (state blocked). */
  @Property({ type: 'json', nullable: true })
  problems?: TransactionProblem[] | null;

  @Property({ type: 'integer', nullable: true })
  createdBy?: number | null;
}

export const TRANSACTION_ENTITIES = [TransactionType, TransactionLocationSettings, TransactionTypeGl, TransactionBatch, DeskTransaction];
