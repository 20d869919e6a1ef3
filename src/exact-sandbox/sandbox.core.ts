import { SandboxClock } from './clock.util.js';
import { EntityContext, type Registry } from './entity.context.js';
import { createRegistry } from './entities.registry.js';
import { FaultService, LimitsService } from './limits.service.js';
import { OAuthService } from './oauth.service.js';
import { seedAll } from './seed.generator.js';
import { SandboxState, emptyAuth } from './state.store.js';
import { DEFAULT_CLIENT, type ClientRecord, type Key } from './sandbox.types.js';
import { WebhookDispatcher } from './webhook.dispatcher.js';

/** One sandbox instance: state + services. No module-level state: instances are isolated. */
export class SandboxCore {
  readonly clock = new SandboxClock();
  readonly registry: Registry = createRegistry();
  state = new SandboxState();
  readonly limits = new LimitsService(this.clock);
  readonly faults = new FaultService();
  readonly webhooks = new WebhookDispatcher(() => this.clock.now());
  oauth = new OAuthService(this.state, this.clock);
  /** absolute base, e.g. http://127.0.0.1:3001 (set once listening) */
  publicBase = 'http://127.0.0.1';
  /** the port it listens on (set once listening) */
  port = 0;
  onChange: () => void = () => undefined;

  constructor(readonly defaultClient: ClientRecord = DEFAULT_CLIENT) {}

  replaceState(state: SandboxState): void {
    this.state = state;
    this.oauth = new OAuthService(state, this.clock);
    this.ensureDefaultClient();
  }

  ensureDefaultClient(): void {
    const c = { ...this.defaultClient, clientId: this.defaultClient.clientId.toLowerCase() };
    this.state.clients.set(c.clientId, c);
  }

  /** Fresh deterministic data. Registered clients and webhook subscriptions are kept; tokens are kept. */
  reset(seed: number, volume = 0, keepAuth = true): void {
    const clients = this.state.clients;
    const auth = keepAuth ? this.state.auth : emptyAuth();
    const subs = [...this.state.data.entries()].map(([code, d]) => [code, [...d.table('WebhookSubscriptions').rows.values()]] as const);
    const fresh = new SandboxState();
    seedAll(fresh, this.registry, this.clock, { seed, volume });
    fresh.clients = clients;
    fresh.auth = auth;
    for (const [code, rows] of subs) {
      const d = fresh.data.get(code);
      if (d) for (const r of rows) d.table('WebhookSubscriptions').put(r);
    }
    this.replaceState(fresh);
    this.limits.reset();
    this.onChange();
  }

  context(division: number, clientId: string | null): EntityContext {
    const ctx = new EntityContext(this.state, this.registry, this.clock, division, this.notifier, clientId, undefined, () => this.onChange());
    ctx.divisionBase = `${this.publicBase}/api/v1/${division}/`;
    return ctx;
  }

  readonly notifier = (division: number, topic: string, action: 'Update' | 'Delete', key: Key, endpointPath: string): void => {
    const d = this.state.data.get(division);
    if (!d) return;
    for (const sub of d.table('WebhookSubscriptions').rows.values()) {
      if (sub.Topic !== topic) continue;
      const client = this.state.clients.get(String(sub.ClientID));
      if (!client) continue;
      this.webhooks.notify(sub, client.webhookSecret, {
        Topic: topic, ClientId: client.clientId, Division: division, Action: action, Key: key,
        ExactOnlineEndpoint: `${this.publicBase}/api/v1/${division}/${endpointPath}`, EventCreatedOn: new Date(this.clock.now()).toISOString(),
      });
    }
  };
}
