import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { OptionalProps } from '@mikro-orm/core';
import { BaseEntity } from '../../database/base.entity.js';

/** What goes to Exact: hours (manufacturing / project), shop-order planned dates, sales-order delivery date, selection codes. */
export const OUTBOX_KINDS = ['mfg_time', 'project_time', 'shop_order_dates', 'sales_order_delivery', 'selection_code'] as const;
export type OutboxKind = (typeof OUTBOX_KINDS)[number];
/** held: hours whose switch is off or whose prerequisite is missing (lastError: the reason's i18n key); never called. */
export const OUTBOX_STATES = ['queued', 'sent', 'failed', 'held'] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];

/** The card statuses a selection code can be set for (vPlan: a field per card status). */
export const SELECTION_STATUSES = ['unplanned', 'planned', 'archived'] as const;
export type SelectionStatus = (typeof SELECTION_STATUSES)[number];

/** The outgoing switches of one division (vPlan's "outgoing data" block). */
@Entity({ tableName: 'planning_outgoing_settings' })
export class OutgoingSettings {
  [OptionalProps]?: 'productionOrderOutbound' | 'shopOrderTime' | 'shopOrderPlannedDate' | 'projectOutbound' | 'salesOrderOutbound' | 'salesOrderDeliveryDate' | 'selectionCodes' | 'updatedAt';

  @PrimaryKey({ type: 'integer', autoincrement: false })
  division!: number;

  /** ProductionOrder outbound (master switch for shop orders). */
  @Property({ type: 'boolean', default: false })
  productionOrderOutbound = false;

  /** Tracked time → shop order (manufacturing TimeTransactions). */
  @Property({ type: 'boolean', default: false })
  shopOrderTime = false;

  /** Update the planned date of the ProductionOrder (PlannedStartDate / PlannedDate). */
  @Property({ type: 'boolean', default: false })
  shopOrderPlannedDate = false;

  /** Project outbound: tracked time → project TimeTransactions. */
  @Property({ type: 'boolean', default: false })
  projectOutbound = false;

  /** SalesOrder outbound (master switch for sales orders). */
  @Property({ type: 'boolean', default: false })
  salesOrderOutbound = false;

  /** Update the delivery date of the SalesOrder (the card's end date). */
  @Property({ type: 'boolean', default: false })
  salesOrderDeliveryDate = false;

  /** Selection code (Exact ID) per card status, for sales orders and shop orders: { sales: {planned: id}, shop: {...} }. */
  @Property({ type: 'json', default: '{}' })
  selectionCodes: Partial<Record<'sales' | 'shop', Partial<Record<SelectionStatus, string>>>> = {};

  @Property({ type: 'datetime', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}

/**
 * One message to Exact, written BEFORE its call. `pending` is set (committed) right before the call and cleared
 * with its outcome: a row found pending went out with an unclear outcome (timeout, 5xx, a killed process), so the
 * next attempt looks it up in Exact by our reference before anything is sent again. Date and selection-code rows
 * coalesce: while queued, a newer value replaces the payload (one update for a card moved five times).
 */
@Entity({ tableName: 'planning_outbox' })
@Index({ properties: ['state', 'division', 'kind'] })
@Index({ properties: ['cardId'] })
@Index({ properties: ['timeEntryId'] })
@Unique({ properties: ['reference'] })
export class OutboxMessage extends BaseEntity<'state' | 'pending' | 'attempts'> {
  @Property({ type: 'integer' })
  division!: number;

  @Property({ type: 'string', length: 24 })
  kind!: OutboxKind;

  /** Our own reference: `T<entry>` for hours (also in Exact's Notes), `<kind>:<card>:<n>` for card updates. */
  @Property({ type: 'string', length: 80 })
  reference!: string;

  @Property({ type: 'integer', nullable: true })
  cardId?: number | null;

  @Property({ type: 'integer', nullable: true })
  timeEntryId?: number | null;

  /** The Exact record it concerns (shop order / sales order ID) or null for new hours. */
  @Property({ type: 'string', length: 36, nullable: true })
  target?: string | null;

  /** What is sent (Exact field values, dates as yyyy-mm-dd). */
  @Property({ type: 'json' })
  payload!: Record<string, unknown>;

  @Property({ type: 'string', length: 8, default: 'queued' })
  state: OutboxState = 'queued';

  @Property({ type: 'boolean', default: false })
  pending = false;

  @Property({ type: 'integer', default: 0 })
  attempts = 0;

  @Property({ type: 'string', length: 36, nullable: true })
  exactId?: string | null;

  @Property({ type: 'text', nullable: true })
  lastError?: string | null;

  @Property({ type: 'datetime', nullable: true })
  sentAt?: Date | null;
}

/** The send log per card and per time entry. */
@Entity({ tableName: 'planning_outbox_log' })
@Index({ properties: ['cardId', 'id'] })
@Index({ properties: ['timeEntryId', 'id'] })
export class OutboxLog extends BaseEntity {
  @Property({ type: 'integer' })
  outboxId!: number;

  @Property({ type: 'integer', nullable: true })
  cardId?: number | null;

  @Property({ type: 'integer', nullable: true })
  timeEntryId?: number | null;

  /** queued | coalesced | intent | sent | found | refused | unclear | resend | held | released */
  @Property({ type: 'string', length: 12 })
  action!: string;

  @Property({ type: 'text', nullable: true })
  detail?: string | null;
}

export const OUTGOING_ENTITIES = [OutgoingSettings, OutboxMessage, OutboxLog];
