import { Injectable, Logger, Module, OnModuleInit } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { IntegrationsController } from './integrations.controller.js';
import { ApiCallLogService } from './api-call-log.service.js';
import { BannerRegistry } from '../../common/core.module.js';
import { ExactConnectionService } from '../../exact/connection.service.js';

/** Nightly: keep the Exact connection alive and prune the API call log; and the reconnect banner. */
@Injectable()
export class ExactHousekeeping implements OnModuleInit {
  private readonly logger = new Logger('ExactHousekeeping');

  constructor(
    private readonly connection: ExactConnectionService,
    private readonly calls: ApiCallLogService,
    private readonly banners: BannerRegistry,
  ) {}

  onModuleInit(): void {
    this.banners.register(async (user) => {
      if (user?.role !== 'admin') return undefined;
      const state = await this.connection.connectionState();
      if (state !== 'needs_reconnect') return undefined;
      return { kind: 'error', key: 'exact.banner.reconnect', href: '/settings/integrations/exact', linkKey: 'exact.reconnect' };
    });
  }

  @Cron(process.env.EXACT_KEEPALIVE_CRON || '30 3 * * *', { name: 'exact-keepalive' })
  async nightly(): Promise<void> {
    try {
      const result = await this.connection.keepAlive();
      const pruned = await this.calls.prune();
      this.logger.log(`keep-alive: ${result}; ${pruned} old API calls removed`);
    } catch (e) {
      await this.connection.recordError(e);
      this.logger.warn(`keep-alive failed: ${(e as Error).message}`);
    }
  }
}

@Module({
  providers: [ApiCallLogService, ExactHousekeeping],
  controllers: [IntegrationsController],
  exports: [ApiCallLogService],
})
export class IntegrationsModule {}
