import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { deriveKey, loadMasterKey } from '../common/secret-key.js';
import { SecretBox } from './crypto.js';
import { ExactTokenService } from './token.service.js';
import { ExactRateLimiter } from './rate-limiter.js';
import { ExactTransport } from './transport.js';
import { ExactClient } from './exact.client.js';
import { ExactConnectionService } from './connection.service.js';

/** The Exact Online client and its connection, available to every module. */
@Global()
@Module({
  providers: [
    { provide: SecretBox, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new SecretBox(deriveKey(loadMasterKey(config), 'exact-tokens')) },
    ExactTokenService,
    ExactRateLimiter,
    ExactTransport,
    ExactClient,
    ExactConnectionService,
  ],
  exports: [SecretBox, ExactTokenService, ExactRateLimiter, ExactTransport, ExactClient, ExactConnectionService],
})
export class ExactModule {}
