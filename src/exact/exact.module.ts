import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { deriveKey, loadMasterKey } from '../common/secret-key.js';
import { SecretBox } from './crypto.js';
import { ExactTokenService } from './token.service.js';
import { ExactRateLimiter } from './rate-limiter.js';
import { ExactTransport } from './transport.js';
import { PgCallLog } from './call-log.js';
import { Clock } from '../common/clock.js';
import { ExactClient } from './exact.client.js';
import { ExactConnectionService } from './connection.service.js';

/** The Exact Online client and its connection, available to every module. */
@Global()
@Module({
  providers: [
    { provide: SecretBox, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new SecretBox(deriveKey(loadMasterKey(config), 'exact-tokens')) },
    ExactTokenService,
    ExactRateLimiter,
    PgCallLog,
    {
      provide: ExactTransport,
      inject: [ExactTokenService, ExactRateLimiter, PgCallLog, APP_CONFIG, Clock],
      useFactory: (tokens: ExactTokenService, limiter: ExactRateLimiter, log: PgCallLog, config: AppConfig, clock: Clock) =>
        new ExactTransport(tokens, limiter, log, { baseUrl: config.exact.baseUrl, timeoutMs: config.exact.timeoutMs, errorBudget: config.exact.errorBudget, now: () => clock.now() }),
    },
    ExactClient,
    ExactConnectionService,
  ],
  exports: [SecretBox, ExactTokenService, ExactRateLimiter, PgCallLog, ExactTransport, ExactClient, ExactConnectionService],
})
export class ExactModule {}
