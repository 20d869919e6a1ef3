import type { AppConfig } from '../../config/config.js';
import type { ConnectionStatus } from '../../exact/connection.service.js';

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
