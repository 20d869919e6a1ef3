import { Entity, Index, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../../database/base.entity.js';
import { PlanActivity, PlanCard } from '../planning/plan-card.entity.js';
import { PlanResource } from '../planning/plan-resource.entity.js';

export const TIME_ENTRY_STATUSES = ['open', 'approved', 'rejected'] as const;
export type TimeEntryStatus = (typeof TIME_ENTRY_STATUSES)[number];
export const TIME_PHASES = ['setup', 'run'] as const;
export type TimePhase = (typeof TIME_PHASES)[number];
/** Where the approved hours are on their way to Exact (the outgoing side sets it). */
export const TIME_SEND_STATES = ['none', 'queued', 'sent', 'failed', 'held'] as const;
export type TimeSendState = (typeof TIME_SEND_STATES)[number];

/**
 * Hours of one employee on one day on an activity of a plan card (a shop-order operation, a project hour type or a
 * WBS activity). Entered as start–end or a duration; setup or run for operations. Approved entries are locked;
 * a rejected one carries the planner's reason and can be corrected (it becomes open again).
 */
@Entity({ tableName: 'time_entry' })
@Index({ properties: ['resource', 'date'] })
@Index({ properties: ['status', 'date'] })
@Index({ properties: ['card'] })
export class TimeEntry extends BaseEntity<'status' | 'operationFinished' | 'sendState' | 'version'> {
  @ManyToOne(() => PlanResource, { deleteRule: 'restrict' })
  resource!: PlanResource;

  @ManyToOne(() => PlanActivity, { deleteRule: 'restrict' })
  activity!: PlanActivity;

  @ManyToOne(() => PlanCard, { deleteRule: 'restrict' })
  card!: PlanCard;

  @Property({ type: 'integer' })
  division!: number;

  @Property({ type: 'date' })
  date!: string;

  /** HH:MM when entered as start–end. */
  @Property({ type: 'string', length: 5, nullable: true })
  startTime?: string | null;

  @Property({ type: 'string', length: 5, nullable: true })
  endTime?: string | null;

  @Property({ type: 'decimal', precision: 6, scale: 2 })
  hours!: string;

  /** Operations only: setup or run. */
  @Property({ type: 'string', length: 5, nullable: true })
  phase?: TimePhase | null;

  @Property({ type: 'decimal', precision: 14, scale: 4, nullable: true })
  quantity?: string | null;

  @Property({ type: 'boolean', default: false })
  operationFinished = false;

  @Property({ type: 'text', nullable: true })
  notes?: string | null;

  @Property({ type: 'string', length: 10, default: 'open' })
  status: TimeEntryStatus = 'open';

  @Property({ type: 'text', nullable: true })
  rejectReason?: string | null;

  @Property({ type: 'string', length: 120, nullable: true })
  decidedBy?: string | null;

  @Property({ type: 'datetime', nullable: true })
  decidedAt?: Date | null;

  @Property({ type: 'string', length: 120, nullable: true })
  enteredBy?: string | null;

  @Property({ type: 'string', length: 8, default: 'none' })
  sendState: TimeSendState = 'none';

  /** Exact's own text when it refused the hours; when held, the reason's i18n key (outgoing.held.*). */
  @Property({ type: 'text', nullable: true })
  sendError?: string | null;

  @Property({ type: 'string', length: 36, nullable: true })
  exactId?: string | null;

  @Property({ type: 'integer', default: 1 })
  version = 1;
}

export const TIME_ENTITIES = [TimeEntry];
