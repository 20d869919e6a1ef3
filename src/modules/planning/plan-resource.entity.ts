import { Entity, Index, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { BigIntType } from '@mikro-orm/core';
import { BaseEntity } from '../../database/base.entity.js';
import { User } from '../users/user.entity.js';

export const PLAN_RESOURCE_KINDS = ['employee', 'machine'] as const;
export type PlanResourceKind = (typeof PLAN_RESOURCE_KINDS)[number];

/** Hours per weekday, Monday first (7 numbers). */
export type WeekHours = number[];

/**
 * A plannable resource: an Exact employee (ResourceViaEmployee), an Exact work centre (ResourceViaProduction, type
 * Machine), or one made in Koppel (exactId null). With the Schedule option on, `exactSchedule` is true and the
 * capacity comes from ResourceScheduleEntry / ResourceLeave (read-only here); otherwise from `weeklyHours`.
 */
@Entity({ tableName: 'plan_resource' })
@Unique({ properties: ['division', 'kind', 'exactId'] })
@Index({ properties: ['active', 'kind', 'name'] })
@Index({ properties: ['updatedAt'] }) // the planning board's change stamp (migration PlanningBoard)
export class PlanResource extends BaseEntity<'active' | 'exactSchedule' | 'version'> {
  /** The division it came from; null for a resource made in Koppel. */
  @Property({ type: 'integer', nullable: true })
  division?: number | null;

  @Property({ type: 'string', length: 10 })
  kind!: PlanResourceKind;

  @Property({ type: 'string', length: 36, nullable: true })
  exactId?: string | null;

  /** Employee code / HID or work-centre code. */
  @Property({ type: 'string', length: 40, nullable: true })
  code?: string | null;

  @Property({ type: 'string', length: 200 })
  name!: string;

  /** Grouping on the board (department, production area, …). */
  @Property({ type: 'string', length: 120, nullable: true })
  group?: string | null;

  @Property({ type: 'boolean', default: true })
  active = true;

  /** Exact leads the schedule (Schedule option on): not editable in Koppel. */
  @Property({ type: 'boolean', default: false })
  exactSchedule = false;

  /** Schedule kept in Koppel: hours per weekday (Mon..Sun); null = none set. */
  @Property({ type: 'json', nullable: true })
  weeklyHours?: WeekHours | null;

  /** The Koppel user this resource is (employee ↔ user). */
  @ManyToOne(() => User, { nullable: true, deleteRule: 'set null' })
  user?: User | null;

  /** Cost centre / unit made for this resource (setting "cost centres / units from resources"). */
  @Property({ type: 'string', length: 20, nullable: true })
  costCode?: string | null;

  /** Which of the two `costCode` is ('center' | 'unit'; null on rows made before the choice: a cost unit). */
  @Property({ type: 'string', length: 6, nullable: true })
  costKind?: 'center' | 'unit' | null;

  @Property({ type: 'integer', default: 1 })
  version = 1;

  @Property({ type: new BigIntType('string'), nullable: true })
  exactTimestamp?: string | null;
}

/**
 * An Exact schedule of an employee (hrm/Schedules + ScheduleEntries), flattened to hours per weekday so capacity
 * is a look-up: the schedule in force on a day is the one whose from/to covers it (main first).
 */
@Entity({ tableName: 'resource_schedule_entry' })
@Unique({ properties: ['division', 'exactId'] })
@Index({ properties: ['resource', 'fromDate'] })
@Index({ properties: ['updatedAt'] }) // the planning board's change stamp (migration PlanningBoard)
export class ResourceScheduleEntry extends BaseEntity<'main'> {
  @ManyToOne(() => PlanResource, { deleteRule: 'cascade' })
  resource!: PlanResource;

  @Property({ type: 'integer' })
  division!: number;

  /** The Exact schedule ID. */
  @Property({ type: 'string', length: 36 })
  exactId!: string;

  @Property({ type: 'date' })
  fromDate!: string;

  @Property({ type: 'date', nullable: true })
  toDate?: string | null;

  @Property({ type: 'boolean', default: true })
  main = true;

  /** Exact ScheduleType 1–4. */
  @Property({ type: 'integer', nullable: true })
  scheduleType?: number | null;

  /** Hours per week. */
  @Property({ type: 'decimal', precision: 6, scale: 2 })
  hours!: string;

  /** Hours per weekday, Monday first. */
  @Property({ type: 'json' })
  weekHours!: WeekHours;
}

export type LeaveKind = 'leave' | 'absence';

/** One day of leave or absence of a resource (hrm/LeaveAbsenceHoursByDay): read-only here. */
@Entity({ tableName: 'resource_leave' })
@Unique({ properties: ['division', 'exactId'] })
@Index({ properties: ['resource', 'date'] })
@Index({ properties: ['updatedAt'] }) // the planning board's change stamp (migration PlanningBoard)
export class ResourceLeave extends BaseEntity {
  @ManyToOne(() => PlanResource, { deleteRule: 'cascade' })
  resource!: PlanResource;

  @Property({ type: 'integer' })
  division!: number;

  @Property({ type: 'string', length: 36 })
  exactId!: string;

  @Property({ type: 'date' })
  date!: string;

  @Property({ type: 'decimal', precision: 6, scale: 2 })
  hours!: string;

  @Property({ type: 'string', length: 8 })
  kind!: LeaveKind;

  /** submitted (leave only) | approved */
  @Property({ type: 'string', length: 10 })
  status!: 'submitted' | 'approved';
}

/**
 * `order`: a sales order header kept for its per-line cards; `schedule`/`sched_day`: Exact schedules as read;
 * `project`: a project header kept for the cards of its hours and WBS; `wbs`: a WBS deliverable or activity (code = its project).
 */
export type MasterKind = 'item' | 'relation' | 'warehouse' | 'order' | 'schedule' | 'sched_day' | 'project' | 'wbs';

/**
 * Planning master data from Exact: items, relations (customers and suppliers; a customer relation points at the
 * Koppel customer it is linked to — never a copy) and warehouse codes (searchable, not on cards).
 */
@Entity({ tableName: 'plan_master' })
@Unique({ properties: ['division', 'kind', 'exactId'] })
@Index({ properties: ['kind', 'code'] })
export class PlanMaster {
  @PrimaryKey({ autoincrement: true })
  id!: number;

  @Property({ type: 'integer' })
  division!: number;

  @Property({ type: 'string', length: 10 })
  kind!: MasterKind;

  @Property({ type: 'string', length: 36 })
  exactId!: string;

  @Property({ type: 'string', length: 40, nullable: true })
  code?: string | null;

  @Property({ type: 'string', length: 255, nullable: true })
  name?: string | null;

  /** Items: unit, unit type (T = time), isTime; relations: isCustomer/isSupplier, address, customerId. */
  @Property({ type: 'json', nullable: true })
  data?: Record<string, unknown> | null;

  @Property({ type: new BigIntType('string'), nullable: true })
  exactTimestamp?: string | null;

  @Property({ type: 'datetime', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
