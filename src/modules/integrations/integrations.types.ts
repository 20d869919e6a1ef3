import { Injectable, Logger } from '@nestjs/common';
import type { CurrentUser } from '../auth/current-user.js';

/** A card on Settings → Integrations → Exact Online: its values go into the page's model under `name`. */
export type ExactPageCard = (user: CurrentUser | undefined) => Promise<unknown>;
/** Work to start after the Exact connection changed (OAuth callback, division refresh); runs in the background. */
export type ConnectionListener = () => Promise<unknown> | unknown;

/**
 * Port of the Exact Online settings page: other modules register their card and what they do after the connection
 * changed (in their onModuleInit), so the integrations module knows none of them and nobody matches URLs. The model
 * for explicit registrations is BannerRegistry (src/common/core.module.ts).
 */
@Injectable()
export class ExactPageRegistry {
  private readonly logger = new Logger('ExactPage');
  private readonly cards = new Map<string, ExactPageCard>();
  private readonly listeners: ConnectionListener[] = [];

  addCard(name: string, card: ExactPageCard): void {
    this.cards.set(name, card);
  }

  onConnectionChanged(listener: ConnectionListener): void {
    this.listeners.push(listener);
  }

  /** The cards' values by name; a card that has nothing to show gives undefined. */
  async cardValues(user: CurrentUser | undefined): Promise<Record<string, unknown>> {
    const entries = await Promise.all([...this.cards].map(async ([name, card]) => [name, await card(user)] as const));
    return Object.fromEntries(entries.filter(([, v]) => v !== undefined));
  }

  /** Starts the listeners without waiting for them; a failing listener is logged, never thrown at the request. */
  connectionChanged(): void {
    for (const listener of this.listeners) {
      void Promise.resolve()
        .then(listener)
        .catch((e: unknown) => this.logger.warn(`after a connection change: ${(e as Error)?.message ?? e}`));
    }
  }
}
