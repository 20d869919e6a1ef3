import { Entity, Index, Property, Unique } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../../database/base.entity.js';
import type { SyncStatus, SyncTrigger } from './sync.types.js';

type Optional = 'status' | 'createdCount' | 'updatedCount' | 'deletedCount' | 'apiCalls' | 'progressDone';

/** One row per division × resource: where the sync stands (cursor, stage, status, last run's figures). */
@Entity({ tableName: 'sync_state' })
@Unique({ properties: ['division', 'resource'] })
@Index({ properties: ['status'] })
export class SyncState extends BaseEntity<Optional> {
  @Property({ type: 'integer' })
  division!: number;

  @Property({ type: 'string', length: 60 })
  resource!: string;

  /** Opaque resume point of the resource (e.g. an Exact Timestamp). */
  @Property({ type: 'text', nullable: true })
  cursor?: string;

  @Property({ type: 'string', length: 60, nullable: true })
  stage?: string;

  @Property({ type: 'string', length: 12, default: 'idle' })
  status: SyncStatus = 'idle';

  @Property({ type: 'string', length: 12, nullable: true })
  lastTrigger?: SyncTrigger;

  @Property({ type: 'datetime', nullable: true })
  lastStartedAt?: Date;

  @Property({ type: 'datetime', nullable: true })
  lastFinishedAt?: Date;

  @Property({ type: 'integer', nullable: true })
  lastDurationMs?: number;

  @Property({ type: 'datetime', nullable: true })
  lastOkAt?: Date;

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

  /** The last error, verbatim (including Exact's own message). */
  @Property({ type: 'text', nullable: true })
  lastError?: string;

  @Property({ type: 'datetime', nullable: true })
  lastErrorAt?: Date;

  @Property({ type: 'datetime', nullable: true })
  nextRunAt?: Date;

  /** Refreshed while a run is busy; the sweeper recovers runs whose heartbeat is too old. */
  @Property({ type: 'datetime', nullable: true })
  heartbeatAt?: Date;

  /** The process (its advisory-lock id) running it now. */
  @Property({ type: 'integer', nullable: true })
  owner?: number;

  @Property({ type: 'integer', nullable: true })
  currentRunId?: number;

  /** The pg-boss job id of the queued or running job. */
  @Property({ type: 'string', length: 40, nullable: true })
  jobId?: string;
}
