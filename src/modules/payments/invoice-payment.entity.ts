import { Entity, Index, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { BigIntType, OptionalProps } from '@mikro-orm/core';
import { Invoice } from '../invoices/invoice.entity.js';

export type PaymentSource = 'webhook' | 'sync';
/**
 * `bank`: a bank/cash line (TransactionLines Type 40) — cash or bank is the journal's type (10 / 12), shown by the
 * payments view; `general`: a general journal line (Type 90) on the customer with the invoice number (e.g. a PIN
 * payment at the desk); `settlement`: the rest of a fully paid term that no line explains.
 */
export type PaymentKind = 'bank' | 'general' | 'settlement';

/**
 * One payment on an invoice as Exact booked it. `exactKey` makes it unique per division:
 * `line:<TransactionLines.ID>` for a bank/cash line (Type 40) or general journal line (Type 90) that pays the invoice, or
 * `settle:<Receivable ID>` for the part of a fully paid term that no bank line explains (matched in
 * Exact against something else). Processing the same change twice inserts nothing (ON CONFLICT DO NOTHING).
 */
@Entity({ tableName: 'invoice_payment' })
@Unique({ properties: ['division', 'exactKey'] })
@Index({ properties: ['invoice', 'date'] })
export class InvoicePayment {
  [OptionalProps]?: 'createdAt' | 'kind';

  @PrimaryKey({ type: new BigIntType('string'), autoincrement: true })
  id!: string;

  @ManyToOne(() => Invoice, { deleteRule: 'cascade' })
  invoice!: Invoice;

  @Property({ type: 'integer' })
  division!: number;

  @Property({ type: 'string', length: 80 })
  exactKey!: string;

  @Property({ type: 'string', length: 12, default: 'bank' })
  kind: PaymentKind = 'bank';

  /** The receivable / payment term (sync/Cashflow/PaymentTerms ID). */
  @Property({ type: 'uuid', nullable: true })
  receivableId?: string | null;

  /** The bank/cash TransactionLines.ID. */
  @Property({ type: 'uuid', nullable: true })
  transactionLineId?: string | null;

  /** The bank/cash entry (EntryID) and its number and journal: the reference shown to users. */
  @Property({ type: 'uuid', nullable: true })
  entryId?: string | null;

  @Property({ type: 'integer', nullable: true })
  entryNumber?: number | null;

  @Property({ type: 'string', length: 20, nullable: true })
  journalCode?: string | null;

  @Property({ type: 'date' })
  date!: string;

  /** Signed like the invoice: positive for an invoice paid by the customer, negative for a refunded credit note. */
  @Property({ type: 'decimal', precision: 14, scale: 2 })
  amount!: string;

  @Property({ type: 'string', length: 10 })
  source!: PaymentSource;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}

/**
 * Per division: webhook requests for a payments reconciliation. The handler bumps `requested`; a run
 * remembers the value it started with and runs once more when it grew meanwhile (a notification that
 * arrives while a run is busy is not lost to the job queue's "one at a time").
 */
@Entity({ tableName: 'payment_sync_request' })
export class PaymentSyncRequest {
  [OptionalProps]?: 'requested' | 'handled' | 'updatedAt';

  @PrimaryKey({ type: 'integer', autoincrement: false })
  division!: number;

  @Property({ type: new BigIntType('string'), default: 0 })
  requested: string = '0';

  @Property({ type: new BigIntType('string'), default: 0 })
  handled: string = '0';

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  updatedAt: Date = new Date();
}

export const PAYMENT_ENTITIES = [InvoicePayment, PaymentSyncRequest];
