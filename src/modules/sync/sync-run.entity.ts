import { Entity, Index, Property } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../../database/base.entity.js';
import type { SyncRunStatus, SyncTrigger } from './sync.types.js';

type Optional = 'status' | 'createdCount' | 'updatedCount' | 'deletedCount' | 'apiCalls' | 'progressDone';

/** History: one row per run of a division × resource. */
@Entity({ tableName: 'sync_run' })
@Index({ properties: ['division', 'resource', 'startedAt'] })
@Index({ properties: ['status', 'startedAt'] })
@Index({ properties: ['resource', 'jobKey'] })
export class SyncRun extends BaseEntity<Optional> {
  @Property({ type: 'integer' })
  division!: number;

  @Property({ type: 'string', length: 60 })
  resource!: string;

  @Property({ type: 'string', length: 12 })
  trigger!: SyncTrigger;

  @Property({ type: 'string', length: 12, default: 'running' })
  status: SyncRunStatus = 'running';

  @Property({ type: 'datetime' })
  startedAt!: Date;

  @Property({ type: 'datetime', nullable: true })
  finishedAt?: Date;

  @Property({ type: 'integer', nullable: true })
  durationMs?: number;

  @Property({ type: 'integer', default: 0 })
  createdCount = 0;

  @Property({ type: 'integer', default: 0 })
  updatedCount = 0;

  @Property({ type: 'integer', default: 0 })
  deletedCount = 0;

  @Property({ type: 'integer', default: 0 })
  apiCalls = 0;

  @Property({ type: 'integer', default: 0 })
  progressDone = 0;

  @Property({ type: 'integer', nullable: true })
  progressTotal?: number;

  @Property({ type: 'text', nullable: true })
  cursorStart?: string;

  @Property({ type: 'text', nullable: true })
  cursorEnd?: string;

  /** The error, verbatim (including Exact's own message). */
  @Property({ type: 'text', nullable: true })
  error?: string;

  @Property({ type: 'integer', nullable: true })
  attempt?: number;

  @Property({ type: 'string', length: 40, nullable: true })
  jobId?: string;

  @Property({ type: 'integer', nullable: true })
  owner?: number;

  /** One-off jobs (export runs, customer exports): their key, e.g. the export run's id. */
  @Property({ type: 'string', length: 80, nullable: true })
  jobKey?: string;

  /** One-off jobs: what they were asked to do (filters, ids). */
  @Property({ type: 'json', nullable: true })
  payload?: Record<string, unknown>;

  /** One-off jobs: the running and final summary (what the progress fragment shows). */
  @Property({ type: 'json', nullable: true })
  summary?: Record<string, unknown>;

  /** One-off jobs: the last sign of life (the owner's lease tells a dead process; this a stuck one). */
  @Property({ type: 'datetime', nullable: true })
  heartbeatAt?: Date;
}
