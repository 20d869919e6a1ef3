import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { OptionalProps } from '@mikro-orm/core';
import { BaseEntity } from '../../database/base.entity.js';
import type { InboxStatus, SubscriptionStatus } from './webhooks.types.js';

/**
 * One verified notification from Exact (API.md §6.3), written before the 200 goes out. `contentHash`
 * (SHA-256 of the Content text exactly as received) makes a replay a no-op. The worker claims rows with
 * `FOR UPDATE SKIP LOCKED` and a lease, so any number of Koppel processes can share the inbox.
 */
@Entity({ tableName: 'webhook_inbox' })
@Index({ properties: ['status', 'nextAttemptAt'] })
@Index({ properties: ['division', 'topic', 'key'] })
@Index({ properties: ['receivedAt'] })
export class WebhookInboxRow {
  [OptionalProps]?: 'status' | 'attempts' | 'nextAttemptAt' | 'receivedAt' | 'handled';

  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  @Property({ type: 'string', length: 64, unique: true })
  contentHash!: string;

  @Property({ type: 'string', length: 60 })
  topic!: string;

  @Property({ type: 'integer' })
  division!: number;

  /** 'Update' (also for creation) or 'Delete'. */
  @Property({ type: 'string', length: 20 })
  action!: string;

  /** Key of the changed record (a guid; EntryID for FinancialTransactions/SalesEntries). */
  @Property({ type: 'string', length: 100 })
  key!: string;

  @Property({ type: 'string', length: 64, nullable: true })
  clientId?: string | null;

  @Property({ type: 'text', nullable: true })
  endpoint?: string | null;

  @Property({ type: 'string', length: 40, nullable: true })
  eventCreatedOn?: string | null;

  /** The Content JSON text exactly as received (what the HashCode was computed over). */
  @Property({ type: 'text' })
  content!: string;

  @Property({ type: 'string', length: 20, default: 'pending' })
  status: InboxStatus = 'pending';

  @Property({ type: 'integer', default: 0 })
  attempts = 0;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  nextAttemptAt: Date = new Date();

  /** Lease of the worker that claimed the row; an expired lease makes the row claimable again. */
  @Property({ type: 'datetime', nullable: true })
  lockedUntil?: Date | null;

  @Property({ type: 'string', length: 40, nullable: true })
  claimedBy?: string | null;

  /** Names of the handlers that already finished for this row (a retry runs only the others). */
  @Property({ type: 'json', default: '[]' })
  handled: string[] = [];

  @Property({ type: 'text', nullable: true })
  lastError?: string | null;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  receivedAt: Date = new Date();

  @Property({ type: 'datetime', nullable: true })
  processedAt?: Date | null;
}

/** Koppel's subscription per division × topic (mirrors webhooks/WebhookSubscriptions in Exact). */
@Entity({ tableName: 'webhook_subscription' })
@Unique({ properties: ['division', 'topic'] })
export class WebhookSubscriptionRow extends BaseEntity<'status'> {
  @Property({ type: 'integer' })
  division!: number;

  @Property({ type: 'string', length: 60 })
  topic!: string;

  /** Exact's subscription ID; null while it could not be created. */
  @Property({ type: 'string', length: 64, nullable: true })
  exactId?: string | null;

  @Property({ type: 'text' })
  callbackUrl!: string;

  @Property({ type: 'string', length: 12, default: 'active' })
  status: SubscriptionStatus = 'active';

  @Property({ type: 'text', nullable: true })
  lastError?: string | null;

  /** Last time Exact's list confirmed the subscription. */
  @Property({ type: 'datetime', nullable: true })
  verifiedAt?: Date | null;
}

/** Rejected calls to the receiver, counted per minute × reason × client address (bounded under a flood). */
@Entity({ tableName: 'webhook_rejection' })
@Unique({ properties: ['bucket', 'reason', 'ip'] })
@Index({ properties: ['lastAt'] })
export class WebhookRejectionRow {
  [OptionalProps]?: 'count';

  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  /** The minute the rejections fell in. */
  @Property({ type: 'datetime' })
  bucket!: Date;

  @Property({ type: 'string', length: 30 })
  reason!: string;

  @Property({ type: 'string', length: 64 })
  ip!: string;

  @Property({ type: 'integer', default: 1 })
  count = 1;

  @Property({ type: 'datetime' })
  lastAt!: Date;

  @Property({ type: 'text', nullable: true })
  detail?: string | null;
}

export const WEBHOOK_ENTITIES = [WebhookInboxRow, WebhookSubscriptionRow, WebhookRejectionRow];
