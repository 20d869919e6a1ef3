import { Entity, Index, Property } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../../database/base.entity.js';

export type LedgerResource = 'gl-accounts' | 'journals' | 'vat-codes' | 'cost-centers';
export const LEDGER_RESOURCES: readonly LedgerResource[] = ['gl-accounts', 'journals', 'vat-codes', 'cost-centers'];

/** import: create from Exact; synchronise: link/flag only (GL accounts); push: send Koppel's cost centres/units to Exact. */
export type LedgerImportMode = 'import' | 'synchronise' | 'push';
export type LedgerImportStatus = 'queued' | 'running' | 'done' | 'failed';

export interface SkippedItem {
  key: string;
  reason: string;
  params?: Record<string, unknown>;
}

/**
 * One requested (or nightly) import of ledger data for a division, with its summary. The sync engine
 * runs it (resource = the sync resource); the page shows its progress and summary.
 */
@Entity({ tableName: 'ledger_import' })
@Index({ properties: ['division', 'resource', 'createdAt'] })
export class LedgerImport extends BaseEntity<'status' | 'created' | 'updated' | 'unchanged' | 'skippedCount' | 'skipped' | 'progressDone' | 'allTypes'> {
  @Property({ type: 'integer' })
  division!: number;

  @Property({ type: 'string', length: 30 })
  resource!: LedgerResource;

  @Property({ type: 'string', length: 12 })
  mode!: LedgerImportMode;

  /** GL accounts: all types instead of only revenue (Type 110). */
  @Property({ type: 'boolean', default: false })
  allTypes = false;

  @Property({ type: 'string', length: 10, default: 'queued' })
  status: LedgerImportStatus = 'queued';

  @Property({ type: 'string', length: 12 })
  trigger!: string;

  @Property({ type: 'integer', default: 0 })
  created = 0;

  @Property({ type: 'integer', default: 0 })
  updated = 0;

  @Property({ type: 'integer', default: 0 })
  unchanged = 0;

  @Property({ type: 'integer', default: 0 })
  skippedCount = 0;

  /** Skipped records with the reason (i18n key + params), at most 200 kept. */
  @Property({ type: 'json' })
  skipped: SkippedItem[] = [];

  @Property({ type: 'integer', default: 0 })
  progressDone = 0;

  @Property({ type: 'integer', nullable: true })
  progressTotal?: number | null;

  @Property({ type: 'integer', nullable: true })
  apiCalls?: number | null;

  @Property({ type: 'text', nullable: true })
  error?: string | null;

  @Property({ type: 'datetime', nullable: true })
  startedAt?: Date | null;

  @Property({ type: 'datetime', nullable: true })
  finishedAt?: Date | null;
}
