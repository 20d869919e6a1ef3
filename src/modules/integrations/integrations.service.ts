import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { ExactConnectionService } from '../../exact/connection.service.js';
import type { TokenSet } from '../../exact/token.service.js';
import type { CurrentUser } from '../auth/current-user.js';
import { ExactPageRegistry } from './integrations.types.js';
import { ApiCallLogService } from './api-call-log.service.js';
import { ExactError } from '../../exact/errors.js';
import type { FlashMessage } from '../../common/flash.js';
import type { OAuthOutcome } from './exact-oauth.guard.js';
import { connectedMessage, connectFailedMessage, exactPageModel, oauthRefusedMessage } from './integrations.view.js';

/** Settings → Integrations → Exact Online: the page's model and the connection steps, telling the registered listeners. */
@Injectable()
export class IntegrationsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly connection: ExactConnectionService,
    private readonly registry: ExactPageRegistry,
    private readonly calls: ApiCallLogService,
  ) {}

  /** The API call log page: the filtered calls and the administrations to filter on. */
  async callLogPage(raw: Record<string, unknown>) {
    const [{ filter, page }, divisions] = await Promise.all([this.calls.list(raw), this.connection.activeDivisions()]);
    return { title: 'exact.calls.title', nav: 'settings', filter, page, query: filter, divisions };
  }

  async exactPage(user: CurrentUser | undefined) {
    const [status, cards] = await Promise.all([this.connection.status(), this.registry.cardValues(user)]);
    return exactPageModel(status, this.config, cards);
  }

  /**
   * Exact's redirect back, with what the guard found: the connection stored (and the listeners told), or why not;
   * returns the message the Exact page shows.
   */
  async callback(outcome: OAuthOutcome | undefined): Promise<FlashMessage> {
    if (!outcome?.ok) return oauthRefusedMessage(outcome);
    try {
      const { me, divisions } = await this.complete(outcome.tokens);
      return connectedMessage(me, divisions.length);
    } catch (e) {
      if (!(e instanceof ExactError)) throw e;
      return connectFailedMessage(e);
    }
  }

  /** The OAuth callback's tokens: stores the connection and its divisions; then the listeners run (also after a failure). */
  async complete(tokens: TokenSet) {
    try {
      return await this.connection.complete(tokens);
    } finally {
      this.registry.connectionChanged();
    }
  }

  /** "Refresh administrations": the divisions read again (an Exact refusal recorded on the connection); the page's message. */
  async refreshDivisionsStep(): Promise<FlashMessage> {
    try {
      return { kind: 'success', key: 'exact.divisionsRefreshed', params: { count: await this.refreshDivisions() } };
    } catch (e) {
      if (!(e instanceof ExactError)) throw e;
      await this.connection.recordError(e);
      return { kind: 'error', key: 'exact.connect.failed', params: { detail: e.exactMessage ?? e.message } };
    }
  }

  /** "Disconnect": the page's message (not connected is said, not an error). */
  async disconnect(): Promise<FlashMessage> {
    try {
      await this.connection.disconnect();
      return { kind: 'success', key: 'exact.disconnected' };
    } catch (e) {
      if (!(e instanceof ExactError)) throw e;
      return { kind: 'info', key: 'exact.notConnected' };
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
