import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { ExactConnectionService } from '../../exact/connection.service.js';
import type { TokenSet } from '../../exact/token.service.js';
import type { CurrentUser } from '../auth/current-user.js';
import { ExactPageRegistry } from './integrations.types.js';
import { exactPageModel } from './integrations.view.js';

/** Settings → Integrations → Exact Online: the page's model and the connection steps, telling the registered listeners. */
@Injectable()
export class IntegrationsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly connection: ExactConnectionService,
    private readonly registry: ExactPageRegistry,
  ) {}

  async exactPage(user: CurrentUser | undefined) {
    const [status, cards] = await Promise.all([this.connection.status(), this.registry.cardValues(user)]);
    return exactPageModel(status, this.config, cards);
  }

  /** The OAuth callback's tokens: stores the connection and its divisions; then the listeners run (also after a failure). */
  async complete(tokens: TokenSet) {
    try {
      return await this.connection.complete(tokens);
    } finally {
      this.registry.connectionChanged();
    }
  }

  /** Reads the divisions again; then the listeners run (also after a failure). */
  async refreshDivisions(): Promise<number> {
    try {
      return await this.connection.refreshDivisions();
    } finally {
      this.registry.connectionChanged();
    }
  }
}
