import { Injectable } from '@nestjs/common';
import type { WebhookFold, WebhookHandler, WebhookHandlerOptions } from './webhooks.types.js';

export interface RegisteredHandler {
  topic: string;
  name: string;
  subscribe: boolean;
  fold?: WebhookFold;
  handle: WebhookHandler;
}

/**
 * Handlers per Exact webhook topic, registered by other modules at start-up (constructor/onModuleInit):
 *
 *   handlers.register('Accounts', (e) => customers.onExactAccountChanged(e.division, e.key, e.action), { name: 'customers' });
 *   handlers.register('FinancialTransactions', (e) => payments.onFinancialTransaction(e), { name: 'payments' });
 *
 * Several handlers may share a topic; each runs once per notification (a retry re-runs only those that failed).
 */
@Injectable()
export class WebhookHandlers {
  private readonly byTopic = new Map<string, RegisteredHandler[]>();
  private readonly listeners: ((topic: string) => void)[] = [];

  register(topic: string, handle: WebhookHandler, opts: WebhookHandlerOptions = {}): () => void {
    if (!/^[A-Za-z][A-Za-z0-9.]{0,59}$/.test(topic)) throw new Error(`webhook topic "${topic}" is not a topic name`);
    const list = this.byTopic.get(topic) ?? [];
    const name = opts.name ?? `handler-${list.length + 1}`;
    if (list.some((h) => h.name === name)) throw new Error(`webhook handler "${name}" for ${topic} is already registered`);
    const entry: RegisteredHandler = { topic, name, subscribe: opts.subscribe ?? true, fold: opts.fold, handle };
    list.push(entry);
    this.byTopic.set(topic, list);
    for (const l of this.listeners) l(topic);
    return () => {
      const cur = this.byTopic.get(topic) ?? [];
      const rest = cur.filter((h) => h !== entry);
      if (rest.length) this.byTopic.set(topic, rest);
      else this.byTopic.delete(topic);
    };
  }

  for(topic: string): readonly RegisteredHandler[] {
    return this.byTopic.get(topic) ?? [];
  }

  /** How pending notifications of the topic fold together: only when every handler allows it, in the narrowest mode. */
  foldOf(topic: string): WebhookFold | undefined {
    const list = this.for(topic);
    if (!list.length || list.some((h) => !h.fold)) return undefined;
    return list.some((h) => h.fold === 'key') ? 'key' : 'division';
  }

  has(topic: string): boolean {
    return this.for(topic).length > 0;
  }

  topics(): string[] {
    return [...this.byTopic.keys()].sort();
  }

  /** Topics whose handlers asked for a subscription in Exact. */
  subscribedTopics(): string[] {
    return this.topics().filter((t) => this.for(t).some((h) => h.subscribe));
  }

  /** Called with the topic whenever a handler registers (the worker re-queues parked notifications). */
  onRegister(listener: (topic: string) => void): void {
    this.listeners.push(listener);
  }
}
