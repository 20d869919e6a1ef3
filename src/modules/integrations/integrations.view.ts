import type { AppConfig } from '../../config/config.js';
import type { ConnectionStatus } from '../../exact/connection.service.js';
import type { ExactError } from '../../exact/errors.js';
import type { FlashMessage } from '../../common/flash.js';
import type { OAuthOutcome } from './exact-oauth.guard.js';

/** Settings → Integrations → Exact Online: the connection, where it points, and the cards other modules add. */
export function exactPageModel(status: ConnectionStatus, config: AppConfig, cards: Record<string, unknown>) {
  return {
    title: 'exact.title',
    nav: 'settings',
    status,
    baseUrl: config.exact.baseUrl,
    sandbox: config.exact.sandbox,
    redirectUri: config.exact.redirectUri,
    webhooksOn: config.publicBaseUrl.startsWith('https://'),
    publicBaseUrl: config.publicBaseUrl,
    ...cards,
  };
}

/** What the Exact page says after a connection step (shown once, on the page the step redirects to). */

/** The connection could not be made: Exact's consent refused, a state that does not match, or another failure. */
export function oauthRefusedMessage(outcome: Exclude<OAuthOutcome, { ok: true }> | undefined): FlashMessage {
  const key = outcome?.reason === 'denied' ? 'exact.connect.denied' : outcome?.reason === 'state' ? 'exact.connect.state' : 'exact.connect.failed';
  return { kind: 'error', key, params: { detail: outcome?.message ?? '' } };
}

export function connectedMessage(me: { FullName?: string; UserName?: string }, divisions: number): FlashMessage {
  return { kind: 'success', key: 'exact.connect.done', params: { user: me.FullName || me.UserName, count: divisions } };
}

/** Exact refused a step after the consent (no rights on an administration, or another refusal), with Exact's words. */
export function connectFailedMessage(e: ExactError): FlashMessage {
  return { kind: 'error', key: e.kind === 'forbidden' ? 'exact.connect.forbidden' : 'exact.connect.failed', params: { detail: e.exactMessage ?? e.message, division: e.division ?? '' } };
}
