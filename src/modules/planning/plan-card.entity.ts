import { Entity, Index, ManyToOne, Property, Unique } from '@mikro-orm/decorators/legacy';
import { BigIntType } from '@mikro-orm/core';
import { BaseEntity } from '../../database/base.entity.js';
import { Customer } from '../customers/customer.entity.js';
import { PlanResource } from './plan-resource.entity.js';

/** `wbs`: a WBS deliverable (ProjectWBS); `wbs_project`: a project with all its deliverables (ProjectWBSCombined); `wbs_header`: a WBS project's header with its first-layer deliverables (ProjectWBSHeader). */
export const PLAN_CARD_KINDS = ['sales_order', 'sales_order_line', 'purchase_order', 'purchase_order_line', 'quotation', 'shop_order', 'project', 'wbs', 'wbs_project', 'wbs_header'] as const;
export type PlanCardKind = (typeof PLAN_CARD_KINDS)[number];

export type PlanCardStatus = 'open' | 'archived';

/** What the Cards search looks in, as one text (the expression of plan_card_search_trgm_index: keep them the same). */
export const CARD_SEARCH_EXPR = `(coalesce(number, '') || ' ' || coalesce(description, '') || ' ' || coalesce(relation_name, '') || ' ' || coalesce(warehouse_code, ''))`;
/** Why a card left the plannable list: Exact completed / cancelled / deleted it, or its option was switched off. */
export const ARCHIVED_REASONS = ['completed', 'cancelled', 'deleted', 'option_off', 'accepted', 'rejected'] as const;
export type ArchivedReason = (typeof ARCHIVED_REASONS)[number];

/** One order / quotation line as shown on a card (from Exact). */
export interface PlanCardLine {
  exactId: string;
  lineNumber?: number | null;
  itemCode?: string | null;
  description?: string | null;
  quantity?: number | null;
  unit?: string | null;
  deliveryDate?: string | null;
  /** delivered / received quantity so far */
  doneQuantity?: number | null;
  /** ProjectWBSHeader: the first-layer deliverable (its `wbs_deliverable` activity) this WBS activity counts in. */
  partOf?: string | null;
  /** ProjectWBSHeader: the WBS activity's budgeted hours (part of its first-layer deliverable's hours). */
  hours?: number | null;
  /** ProjectWBSHeader: the deliverables between the first layer and the activity ("Fase 1 › Intake"), if any. */
  path?: string | null;
  startDate?: string | null;
  endDate?: string | null;
  completed?: boolean;
}

/** A material of a shop order (ShopOrderMaterialPlans). */
export interface PlanCardMaterial {
  exactId: string;
  lineNumber?: number | null;
  itemCode?: string | null;
  description?: string | null;
  quantity?: number | null;
  unit?: string | null;
  plannedDate?: string | null;
  /** Exact status 30: issued */
  issued?: boolean;
}

/** A related order (shop order ↔ sales order, purchase order line ↔ order). */
export interface PlanCardRelated {
  kind: PlanCardKind;
  exactId: string;
  number?: string | null;
}

type CardOptional = 'status' | 'version' | 'lines' | 'materials' | 'related' | 'extra';

/**
 * A plannable card: an Exact order, quotation, shop order, project or WBS deliverable (one per line for the
 * row variants). Exact owns the header fields, Koppel owns plannedStart/plannedEnd and notes (an import never
 * touches them). `version` increases on every change from either side (optimistic lock for the board).
 */
@Entity({ tableName: 'plan_card' })
@Unique({ properties: ['division', 'kind', 'exactId'] })
@Index({ properties: ['status', 'dueDate', 'id'] })
@Index({ properties: ['status', 'kind', 'dueDate', 'id'] })
@Index({ properties: ['status', 'number', 'id'] })
// the Cards list sorts on these expressions (null dates last) and pages by keyset
@Index({ name: 'plan_card_status_due_sort_index', expression: `create index "plan_card_status_due_sort_index" on "plan_card" ("status", (coalesce("due_date", '9999-12-31'::date)), "id")` })
@Index({ name: 'plan_card_status_kind_due_sort_index', expression: `create index "plan_card_status_kind_due_sort_index" on "plan_card" ("status", "kind", (coalesce("due_date", '9999-12-31'::date)), "id")` })
@Index({ name: 'plan_card_status_number_sort_index', expression: `create index "plan_card_status_number_sort_index" on "plan_card" ("status", (coalesce("number", '')), "id")` })
// the Cards search (number, description, relation, warehouse code; '%…%' anywhere): a trigram index (extension pg_trgm)
@Index({ name: 'plan_card_search_trgm_index', expression: `create index "plan_card_search_trgm_index" on "plan_card" using gin ((${CARD_SEARCH_EXPR}) gin_trgm_ops)` })
@Index({ properties: ['customer'] })
@Index({ properties: ['division', 'parentExactId'] })
@Index({ properties: ['warehouseCode'] })
// the planning board's (migrations PlanningBoard): the change stamp walks updated_at back; cards without activities per resource
@Index({ properties: ['updatedAt'] })
@Index({ name: 'plan_card_resource_id_planned_start_index', expression: `create index "plan_card_resource_id_planned_start_index" on "plan_card" ("resource_id", "planned_start") where "resource_id" is not null` })
export class PlanCard extends BaseEntity<CardOptional> {
  @Property({ type: 'integer' })
  division!: number;

  @Property({ type: 'string', length: 24 })
  kind!: PlanCardKind;

  /** The Exact record: order/quotation/shop order/project/deliverable ID, or the line ID for the row variants. */
  @Property({ type: 'string', length: 36 })
  exactId!: string;

  /** The header a line card or WBS card belongs to (order ID, project ID). */
  @Property({ type: 'string', length: 36, nullable: true })
  parentExactId?: string | null;

  /** Order / quotation / shop order number or project code (text: project codes are text). */
  @Property({ type: 'string', length: 40, nullable: true })
  number?: string | null;

  @Property({ type: 'string', length: 255, nullable: true })
  description?: string | null;

  /** The Koppel customer the Exact relation is linked to (customers module; never duplicated). */
  @ManyToOne(() => Customer, { nullable: true, deleteRule: 'set null' })
  customer?: Customer | null;

  /** The Exact account (customer or supplier) of the card. */
  @Property({ type: 'string', length: 36, nullable: true })
  relationExactId?: string | null;

  @Property({ type: 'string', length: 200, nullable: true })
  relationName?: string | null;

  @Property({ type: 'string', length: 120, nullable: true })
  accountManager?: string | null;

  @Property({ type: 'string', length: 20, nullable: true })
  warehouseCode?: string | null;

  /** Delivery date (sales), receipt date (purchase), closing date (quotation), planned end (shop order), end date (project). */
  @Property({ type: 'date', nullable: true })
  dueDate?: string | null;

  /** Exact's own start date where it has one (shop order PlannedStartDate, project StartDate). */
  @Property({ type: 'date', nullable: true })
  exactStartDate?: string | null;

  @Property({ type: 'decimal', precision: 14, scale: 4, nullable: true })
  quantity?: string | null;

  @Property({ type: 'string', length: 20, nullable: true })
  unit?: string | null;

  @Property({ type: 'string', length: 10, default: 'open' })
  status: PlanCardStatus = 'open';

  @Property({ type: 'string', length: 20, nullable: true })
  archivedReason?: ArchivedReason | null;

  @Property({ type: 'datetime', nullable: true })
  archivedAt?: Date | null;

  /** Exact's status code as received (orders 12/20/21/45, shop orders 10–40, …). */
  @Property({ type: 'integer', nullable: true })
  exactStatus?: number | null;

  // ---- Koppel-owned (planners) ----
  @Property({ type: 'date', nullable: true })
  plannedStart?: string | null;

  @Property({ type: 'date', nullable: true })
  plannedEnd?: string | null;

  /** The resource the card as a whole is planned on (activities can each have their own). */
  @ManyToOne(() => PlanResource, { nullable: true, deleteRule: 'set null' })
  resource?: PlanResource | null;

  @Property({ type: 'text', nullable: true })
  notes?: string | null;

  // ---- from Exact ----
  @Property({ type: 'json', default: '[]' })
  lines: PlanCardLine[] = [];

  @Property({ type: 'json', default: '[]' })
  materials: PlanCardMaterial[] = [];

  @Property({ type: 'json', default: '[]' })
  related: PlanCardRelated[] = [];

  /** Kind-specific extras (quotation version, project type, shop order notes, supplier address, …). */
  @Property({ type: 'json', default: '{}' })
  extra: Record<string, unknown> = {};

  /** Optimistic lock: +1 on every change (Koppel or Exact). */
  @Property({ type: 'integer', default: 1 })
  version = 1;

  /** Highest Exact Timestamp applied to this card (header or line). */
  @Property({ type: new BigIntType('string'), nullable: true })
  exactTimestamp?: string | null;

  @Property({ type: 'datetime', nullable: true })
  exactModifiedAt?: Date | null;
}

/** `wbs_deliverable`: a first-layer deliverable on a ProjectWBSHeader card, with the hours of everything below it. */
export const PLAN_ACTIVITY_KINDS = ['operation', 'item', 'hour_type', 'wbs_activity', 'wbs_deliverable'] as const;
export type PlanActivityKind = (typeof PLAN_ACTIVITY_KINDS)[number];
export type PlanActivityStatus = 'open' | 'started' | 'finished' | 'archived';

/**
 * A plannable activity on a card: a shop-order operation, an item with a time unit on an order, a project hour
 * type or a WBS activity. Exact owns code/description/hours; Koppel owns resource and planned dates.
 */
@Entity({ tableName: 'plan_activity' })
@Unique({ properties: ['division', 'kind', 'exactId'] })
@Index({ properties: ['card'] })
@Index({ properties: ['resource', 'plannedStart'] })
@Index({ properties: ['status', 'plannedStart'] })
// the planning board's (migrations PlanningBoard, PlanningBoardSpeed): change stamp, unplanned list, planned week
@Index({ properties: ['updatedAt'] })
@Index({ name: 'plan_activity_unplanned_card_index', expression: `create index "plan_activity_unplanned_card_index" on "plan_activity" ("card_id") where "status" <> 'archived' and ("resource_id" is null or "planned_start" is null)` })
@Index({ name: 'plan_activity_board_index', expression: `create index "plan_activity_board_index" on "plan_activity" ("resource_id", "planned_start", "planned_end") where "resource_id" is not null` })
export class PlanActivity extends BaseEntity<'status' | 'version' | 'sequence'> {
  @ManyToOne(() => PlanCard, { deleteRule: 'cascade' })
  card!: PlanCard;

  @Property({ type: 'integer' })
  division!: number;

  @Property({ type: 'string', length: 16 })
  kind!: PlanActivityKind;

  /** Exact ID of the routing step / line / WBS activity or deliverable; `<project>:<item>` for project hour types. */
  @Property({ type: 'string', length: 80 })
  exactId!: string;

  @Property({ type: 'integer', default: 0 })
  sequence = 0;

  @Property({ type: 'string', length: 40, nullable: true })
  code?: string | null;

  @Property({ type: 'string', length: 255, nullable: true })
  description?: string | null;

  @Property({ type: 'string', length: 40, nullable: true })
  workcenterCode?: string | null;

  @Property({ type: 'decimal', precision: 10, scale: 2, nullable: true })
  estimatedHours?: string | null;

  @Property({ type: 'decimal', precision: 10, scale: 2, nullable: true })
  setupHours?: string | null;

  @Property({ type: 'decimal', precision: 10, scale: 2, nullable: true })
  runHours?: string | null;

  /** Exact's planned dates (shop-order operations, WBS activities). */
  @Property({ type: 'date', nullable: true })
  exactStartDate?: string | null;

  @Property({ type: 'date', nullable: true })
  exactEndDate?: string | null;

  // ---- Koppel-owned (planners) ----
  @ManyToOne(() => PlanResource, { nullable: true, deleteRule: 'set null' })
  resource?: PlanResource | null;

  @Property({ type: 'date', nullable: true })
  plannedStart?: string | null;

  @Property({ type: 'date', nullable: true })
  plannedEnd?: string | null;

  @Property({ type: 'string', length: 10, default: 'open' })
  status: PlanActivityStatus = 'open';

  @Property({ type: 'integer', default: 1 })
  version = 1;

  @Property({ type: new BigIntType('string'), nullable: true })
  exactTimestamp?: string | null;
}

export type PlanCardEventSource = 'exact' | 'koppel';

/** History of a card: what Exact (or a planner) changed, for the card page. */
@Entity({ tableName: 'plan_card_event' })
@Index({ properties: ['card', 'id'] })
export class PlanCardEvent extends BaseEntity {
  @ManyToOne(() => PlanCard, { deleteRule: 'cascade' })
  card!: PlanCard;

  @Property({ type: 'string', length: 8 })
  source!: PlanCardEventSource;

  /** created | updated | archived | reopened | planned */
  @Property({ type: 'string', length: 16 })
  action!: string;

  /** field → [before, after] */
  @Property({ type: 'json', nullable: true })
  changes?: Record<string, [unknown, unknown]> | null;

  @Property({ type: 'string', length: 120, nullable: true })
  by?: string | null;
}
