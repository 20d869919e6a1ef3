import { createHmac } from 'node:crypto';
import type { Key, Row } from './sandbox.types.js';

/** Webhook deliveries (API.md §6): validation POST, signed notifications, retries, random delay. */

export interface DeliveryLogEntry {
  at: number;
  url: string;
  kind: 'validation' | 'notification';
  topic?: string;
  key?: Key;
  action?: string;
  attempt: number;
  status: number | string;
}

interface Job {
  url: string;
  body: string | null;
  kind: DeliveryLogEntry['kind'];
  attempt: number;
  meta: { topic?: string; key?: Key; action?: string };
}

export const MAX_ATTEMPTS = 6;

export function signContent(content: string, secret: string): string {
  return createHmac('sha256', secret).update(content, 'utf8').digest('hex').toUpperCase();
}

export function notificationBody(content: Record<string, unknown>, secret: string): string {
  const text = JSON.stringify(content);
  return `{"Content":${text},"HashCode":"${signContent(text, secret)}"}`;
}

export class WebhookDispatcher {
  enabled = true;
  /** base delay before a notification is sent; a random 0..jitter ms is added (out-of-order delivery) */
  delayMs = 50;
  jitterMs = 250;
  validationDelayMs = 1000;
  retryBaseMs = 500;
  readonly log: DeliveryLogEntry[] = [];
  private paused: Job[] = [];
  private timers = new Set<NodeJS.Timeout>();
  private inFlight = new Set<AbortController>();
  private closed = false;

  constructor(private readonly now: () => number) {}

  sendValidation(url: string): void {
    this.schedule({ url, body: null, kind: 'validation', attempt: 1, meta: {} }, this.validationDelayMs);
  }

  notify(sub: Row, secret: string, content: Record<string, unknown>): void {
    const body = notificationBody(content, secret);
    const job: Job = { url: String(sub.CallbackURL), body, kind: 'notification', attempt: 1, meta: { topic: String(content.Topic), key: content.Key as Key, action: String(content.Action) } };
    this.schedule(job, this.delayMs + Math.floor(Math.random() * this.jitterMs));
  }

  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
    if (enabled) {
      const jobs = this.paused;
      this.paused = [];
      for (const j of jobs) this.schedule(j, Math.floor(Math.random() * this.jitterMs));
    }
  }

  pending(): number {
    return this.timers.size + this.paused.length + this.inFlight.size;
  }

  private schedule(job: Job, delay: number): void {
    if (this.closed) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      void this.deliver(job);
    }, delay);
    this.timers.add(t);
  }

  private async deliver(job: Job): Promise<void> {
    if (this.closed) return;
    if (!this.enabled) { this.paused.push(job); return; }
    const ac = new AbortController();
    const timeout = setTimeout(() => ac.abort(), 10_000);
    this.inFlight.add(ac);
    let status: number | string;
    try {
      const res = await fetch(job.url, {
        method: 'POST', signal: ac.signal,
        headers: job.body === null ? {} : { 'Content-Type': 'application/json' },
        body: job.body ?? '',
      });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
    } catch (e) {
      status = e instanceof Error ? e.message : 'error';
    } finally {
      clearTimeout(timeout);
      this.inFlight.delete(ac);
    }
    this.log.push({ at: this.now(), url: job.url, kind: job.kind, attempt: job.attempt, status, ...job.meta });
    if (this.log.length > 1000) this.log.splice(0, this.log.length - 1000);
    const ok = typeof status === 'number' && status >= 200 && status < 300;
    if (!ok && job.attempt < MAX_ATTEMPTS) {
      this.schedule({ ...job, attempt: job.attempt + 1 }, this.retryBaseMs * 2 ** (job.attempt - 1));
    }
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const ac of this.inFlight) ac.abort();
  }
}
