import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { OptionalProps } from '@mikro-orm/core';
import type { PlanningOptions } from './planning.options.js';

export type ActivationState = 'saved' | 'running' | 'active' | 'failed';

/** Per planning entity: what the last runs did (counts shown on the options screen and the Sync page). */
export interface PlanningEntitySummary {
  /** rows read from Exact in total */
  records: number;
  created: number;
  updated: number;
  archived: number;
  calls: number;
  /** last run of this entity (ISO) */
  at: string;
  /** the first import of this entity is complete */
  done?: boolean;
  /** calls made today (UTC day `day`) */
  callsToday?: number;
  day?: string;
  error?: string | null;
  /** bumped when the feed must start over (switched on again): a cursor of another generation is ignored */
  gen?: number;
}

/** Planning settings of one Exact division: the vPlan options, Save / Activate state, and per-entity figures. */
@Entity({ tableName: 'planning_settings' })
export class PlanningSettings {
  [OptionalProps]?: 'options' | 'state' | 'summaries' | 'pending' | 'createdAt' | 'updatedAt';

  @PrimaryKey({ type: 'integer', autoincrement: false })
  division!: number;

  /** The saved options (Save); the import runs what is saved. */
  @Property({ type: 'json', default: '{}' })
  options: Partial<PlanningOptions> = {};

  /** The options of the last Activate (what is switched on in Exact terms); null = never activated. */
  @Property({ type: 'json', nullable: true })
  activeOptions?: Partial<PlanningOptions> | null;

  @Property({ type: 'string', length: 10, default: 'saved' })
  state: ActivationState = 'saved';

  @Property({ type: 'datetime', nullable: true })
  savedAt?: Date | null;

  @Property({ type: 'datetime', nullable: true })
  activatedAt?: Date | null;

  /** The first import finished (all entities caught up once). */
  @Property({ type: 'datetime', nullable: true })
  firstImportAt?: Date | null;

  /** system/Divisions.DivisionMoveDate last seen: a change means a full resync. */
  @Property({ type: 'string', length: 40, nullable: true })
  divisionMoveDate?: string | null;

  @Property({ type: 'json', default: '{}' })
  summaries: Record<string, PlanningEntitySummary> = {};

  /** Webhook topics notified since the last run took them: topic → ISO time of the last notification. */
  @Property({ type: 'json', default: '{}' })
  pending: Record<string, string> = {};

  /** When the planning sync last compared system/Divisions.DivisionMoveDate. */
  @Property({ type: 'datetime', nullable: true })
  moveCheckedAt?: Date | null;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
