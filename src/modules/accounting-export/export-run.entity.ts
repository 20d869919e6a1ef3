import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { OptionalProps } from '@mikro-orm/core';

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

export const EXPORT_RUN_ENTITIES = [InvoiceExportRun];
