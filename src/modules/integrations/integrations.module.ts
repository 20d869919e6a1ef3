import { Inject, Injectable, Logger, Module, OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { IntegrationsController } from './integrations.controller.js';
import { ApiCallLogService } from './api-call-log.service.js';
import { ExactOAuthStrategy } from './exact-oauth.strategy.js';
import { IntegrationsService } from './integrations.service.js';
import { ExactPageRegistry } from './integrations.types.js';
import { BannerRegistry } from '../../common/core.module.js';
import { ExactConnectionService } from '../../exact/connection.service.js';
import { ExactRateLimiter } from '../../exact/rate-limiter.js';
import { SyncRegistry } from '../sync/sync.registry.js';
import type { SyncDivision } from '../sync/sync.types.js';

/** Nightly: keep the Exact connection alive and prune the API call log; and the reconnect banner. */
@Injectable()
export class ExactHousekeeping implements OnModuleInit {
  private readonly logger = new Logger('ExactHousekeeping');

  constructor(
    private readonly connection: ExactConnectionService,
    private readonly calls: ApiCallLogService,
    private readonly banners: BannerRegistry,
    private readonly limiter: ExactRateLimiter,
    private readonly sync: SyncRegistry,
    private readonly scheduler: SchedulerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    // The sync engine runs one job per connected division × resource, within the Exact API budget.
    this.sync.useDivisionSource({ listDivisions: () => this.divisions() });
    this.sync.useApiBudget({ waitForBudget: (division, kind, signal) => this.limiter.waitForBudget(division, kind, signal) });
    // nightly, at the NIGHTLY_CRON time: keep the connection alive and prune the call log
    if (this.config.sync.enabled && this.config.sync.timers) {
      const job = CronJob.from({ cronTime: this.config.sync.nightlyCron, timeZone: this.config.sync.timezone, onTick: () => void this.nightly() });
      this.scheduler.addCronJob('exact-housekeeping', job as never);
      job.start();
    }
    this.banners.register(async (user) => {
      if (user?.role !== 'admin') return undefined;
      const state = await this.connection.connectionState();
      if (state !== 'needs_reconnect') return undefined;
      return { kind: 'error', key: 'exact.banner.reconnect', href: '/settings/integrations/exact', linkKey: 'exact.reconnect' };
    });
  }

  /** Granted divisions with their health: needs reconnect, rate limited (daily reserve reached) or ok. */
  private async divisions(): Promise<SyncDivision[]> {
    const status = await this.connection.status();
    if (status.status === 'disconnected') return [];
    return status.divisions
      .filter((d) => d.active)
      .map((d) => {
        const rateLimited = d.limits !== undefined && d.limits.dailyRemaining <= 0 && d.limits.dailyReset > Date.now();
        return {
          division: d.code,
          name: d.description,
          health: status.status === 'needs_reconnect' ? 'needs_reconnect' : rateLimited ? 'rate_limited' : 'ok',
          healthDetail: status.status === 'needs_reconnect' ? (status.lastError ?? undefined) : undefined,
        } satisfies SyncDivision;
      });
  }

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
  providers: [ApiCallLogService, ExactHousekeeping, ExactOAuthStrategy, IntegrationsService, ExactPageRegistry],
  controllers: [IntegrationsController],
  exports: [ApiCallLogService, ExactPageRegistry],
})
export class IntegrationsModule {}
