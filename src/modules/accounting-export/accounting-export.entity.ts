import { Entity, Index, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { BigIntType, OptionalProps } from '@mikro-orm/core';
import { Invoice } from '../invoices/invoice.entity.js';

export type ExportState = 'queued' | 'blocked' | 'sending' | 'exported' | 'failed' | 'needs_credit_note';
export type ExportStep = 'document' | 'attachment' | 'entry' | 'delete_entry';

/**
 * The export ledger: one row per invoice × division, written BEFORE each POST (intent), updated after.
 * After a crash, timeout or unclear answer, the step in `pendingStep` is looked up in Exact by our own
 * reference before anything is posted again.
 */
@Entity({ tableName: 'invoice_export' })
@Unique({ properties: ['invoice'] })
@Index({ properties: ['state'] })
export class InvoiceExport {
  [OptionalProps]?: 'state' | 'attempts' | 'updatedAt' | 'createdAt' | 'includePdf';

  @PrimaryKey({ autoincrement: true })
  id!: number;

  @ManyToOne(() => Invoice, { deleteRule: 'cascade' })
  invoice!: Invoice;

  @Property({ type: 'integer' })
  division!: number;

  @Property({ type: 'string', length: 20, default: 'queued' })
  state: ExportState = 'queued';

  @Property({ type: 'boolean', default: true })
  includePdf = true;

  @Property({ type: 'string', length: 20, nullable: true })
  journalCode?: string | null;

  /** A step whose POST was started but whose outcome is not recorded yet. */
  @Property({ type: 'string', length: 20, nullable: true })
  pendingStep?: ExportStep | null;

  @Property({ type: 'uuid', nullable: true })
  exactDocumentId?: string | null;

  @Property({ type: 'uuid', nullable: true })
  exactAttachmentId?: string | null;

  @Property({ type: 'uuid', nullable: true })
  exactEntryId?: string | null;

  /** The PDF hash that went to Exact. */
  @Property({ type: 'string', length: 64, nullable: true })
  pdfSha256?: string | null;

  @Property({ type: 'json', nullable: true })
  problems?: { key: string; params?: Record<string, unknown> }[] | null;

  @Property({ type: 'text', nullable: true })
  lastError?: string | null;

  @Property({ type: 'integer', default: 0 })
  attempts = 0;

  /** Who is sending it right now (a run id or process tag) and since when: one sender per invoice at a time. */
  @Property({ type: 'string', length: 60, nullable: true })
  claimedBy?: string | null;

  @Property({ type: 'datetime', nullable: true })
  claimedAt?: Date | null;

  @Property({ type: 'datetime', nullable: true })
  exportedAt?: Date | null;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}

/** The export log of an invoice: every step with Exact's answer or error text. */
@Entity({ tableName: 'invoice_export_log' })
@Index({ properties: ['invoice', 'at'] })
export class InvoiceExportLog {
  @PrimaryKey({ type: new BigIntType('string'), autoincrement: true })
  id!: string;

  @ManyToOne(() => Invoice, { deleteRule: 'cascade' })
  invoice!: Invoice;

  @Property({ type: 'datetime' })
  at!: Date;

  @Property({ type: 'string', length: 30 })
  action!: string;

  @Property({ type: 'string', length: 12 })
  outcome!: 'ok' | 'error' | 'intent' | 'found' | 'skipped';

  @Property({ type: 'text', nullable: true })
  detail?: string | null;
}




/**
 * One click on the Accounting → Export screen (or a nightly automatic export): the request only, what it covers.
 * How far it got (state, counts, the customers' and accounts' summaries, the error) is the sync engine's: the run
 * row of task `invoice-export-run` with this id as its key (SyncService.taskStatus), as for customer exports.
 */
@Entity({ tableName: 'invoice_export_run' })
export class InvoiceExportRun {
  [OptionalProps]?: 'startedAt' | 'division';

  @PrimaryKey({ autoincrement: true })
  id!: number;

  /** 'all' = customers & invoices, 'customers', 'invoices', 'accounts' (GL links), 'automatic' (nightly). */
  @Property({ type: 'string', length: 12 })
  action!: string;

  @Property({ type: 'json' })
  filter!: Record<string, unknown>;

  @Property({ type: 'boolean' })
  includePdf!: boolean;

  @Property({ type: 'json' })
  invoiceIds!: number[];

  /** The division its engine job is queued under: 0 for a run from the screen, the administration of a nightly run. */
  @Property({ type: 'integer', default: 0 })
  division = 0;

  @Property({ type: 'integer', nullable: true })
  userId?: number | null;

  /** When it was asked for. */
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  startedAt: Date = new Date();
}

export const EXPORT_ENTITIES = [InvoiceExport, InvoiceExportLog, InvoiceExportRun];
