import type { WebhookSubscriptionService } from './webhook.subscriptions.js';
import type { WebhookInbox } from './webhook.inbox.js';
import { INBOX_STATUSES } from './webhooks.types.js';

type Subscriptions = Awaited<ReturnType<WebhookSubscriptionService['list']>>;
type Rejections = Awaited<ReturnType<WebhookInbox['rejections']>>;
type Stats = Awaited<ReturnType<WebhookInbox['stats']>>;
type Mode = ReturnType<WebhookSubscriptionService['mode']>;

const rejectedCount = (rejections: Rejections) => rejections.reduce((n, r) => n + r.count, 0);

/** The webhooks card on Settings → Integrations → Exact Online. */
export function webhooksCard(mode: Mode, topics: string[], subs: Subscriptions, rejections: Rejections) {
  return {
    mode,
    topics,
    subscriptions: subs,
    active: subs.filter((s) => s.status === 'active').length,
    errors: subs.filter((s) => s.status === 'error'),
    rejected: rejectedCount(rejections),
  };
}

/** Settings → Integrations → Exact Online → Webhooks: subscriptions, inbox, refused calls. */
export function webhooksPageModel(p: { mode: Mode; topics: string[]; handled: string[]; subscriptions: Subscriptions; stats: Stats; problems: unknown; rejections: Rejections }) {
  return {
    title: 'webhooks.title',
    nav: 'settings',
    ...p,
    statuses: INBOX_STATUSES.map((s) => ({ status: s, count: p.stats.counts[s] })),
    rejected: rejectedCount(p.rejections),
  };
}
