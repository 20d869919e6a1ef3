/**
 * Public API of the webhooks module for other modules:
 *
 *   constructor(handlers: WebhookHandlers, customers: CustomersService) {
 *     handlers.register('Accounts', (e) => customers.onExactAccountChanged(e.division, e.key, e.action), { name: 'customers' });
 *   }
 *
 * A handler runs in the inbox worker (never while Exact waits for its answer), at least once per
 * notification; it throws to get a retry with backoff. It must be idempotent: after a crash between
 * its work and the inbox update it runs again.
 */

/** Exact reports creation as 'Update' too (API.md §6.3). */
export type WebhookAction = 'Update' | 'Delete';

/** One verified notification as a handler sees it. */
export interface WebhookEvent {
  /** webhook_inbox.id */
  id: string;
  topic: string;
  division: number;
  action: WebhookAction;
  /** Key of the changed record (guid; EntryID for FinancialTransactions / SalesEntries). */
  key: string;
  /** Absolute REST URL of the record in Exact. */
  endpoint: string | null;
  eventCreatedOn: string | null;
  receivedAt: Date;
  /** 1 on the first try. */
  attempt: number;
}

export type WebhookHandler = (event: WebhookEvent) => Promise<void>;

export interface WebhookHandlerOptions {
  /** Stable name (per topic) so a retry skips handlers that already succeeded; default `handler-<n>`. */
  name?: string;
  /** Subscribe to the topic in Exact (default true). Topics in WEBHOOK_TOPICS are always subscribed. */
  subscribe?: boolean;
  /**
   * Notifications this handler may take together (issue 13, bursts): 'key' = pending notifications for the same
   * division, key and action are covered by handling one of them (the handler reads the current state in Exact);
   * 'division' = every pending notification of the topic for the division is (the handler only asks for a run).
   * A topic folds only when all its handlers allow it (the narrowest mode wins). Default: each one is handled.
   */
  fold?: WebhookFold;
}

export type WebhookFold = 'key' | 'division';

/**
 * pending → processing → done; failures go back to pending with a later next_attempt_at and end as
 * failed after WEBHOOK_MAX_ATTEMPTS. Kept, not dropped: unknown_division (division not granted/active;
 * re-queued when it becomes active), unknown_topic (no handler; re-queued when one registers).
 */
export type InboxStatus = 'pending' | 'processing' | 'done' | 'failed' | 'unknown_division' | 'unknown_topic';
export const INBOX_STATUSES: readonly InboxStatus[] = ['pending', 'processing', 'done', 'failed', 'unknown_division', 'unknown_topic'];

export type SubscriptionStatus = 'active' | 'error';

/** Why the receiver refused a call (webhook_rejection.reason). */
export type RejectionReason = 'too_large' | 'malformed' | 'missing_signature' | 'bad_signature' | 'invalid_content';
