import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { SyncQueue } from './sync.queue.js';
import { SyncLease } from './sync.lease.js';
import { SyncRunner } from './sync.runner.js';
import { SyncSweeper } from './sync.sweeper.js';
import { SyncScheduler } from './sync.scheduler.js';

/**
 * Life cycle of the sync engine in this process (SYNC_ENABLED): pg-boss and the process lease start in
 * onModuleInit; workers, the start-up sweep and the cron timers once every module has registered its
 * resources (onApplicationBootstrap); everything stops gracefully before the database goes away.
 */
@Injectable()
export class SyncEngine implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('SyncEngine');
  private stopped?: Promise<void>;

  constructor(
    private readonly queue: SyncQueue,
    private readonly lease: SyncLease,
    private readonly runner: SyncRunner,
    private readonly sweeper: SyncSweeper,
    private readonly scheduler: SyncScheduler,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.config.sync.enabled) return;
    await this.lease.acquire();
    await this.queue.start({ supervise: true });
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.sync.enabled) return;
    await this.queue.work((job) => this.runner.handle(job));
    const recovered = await this.sweeper.sweep();
    if (recovered.length) this.logger.warn(`recovered ${recovered.length} interrupted sync runs: ${recovered.join(', ')}`);
    if (this.config.sync.timers) this.scheduler.startTimers();
  }

  /**
   * This process stops taking work (no timers, no new jobs) but still serves pages and queues work, as a
   * SYNC_ENABLED=false process does from the start. Tests use it to leave the work to another process.
   */
  async stopWorking(): Promise<void> {
    this.scheduler.stopTimers();
    await this.queue.offWork();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.stop();
  }

  onApplicationShutdown(): Promise<void> {
    return this.stop();
  }

  private stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.scheduler.stopTimers();
      this.runner.abortAll();
      // the lease goes whatever happens to pg-boss's stop (after a database outage it may fail or hang on a dead
      // connection): a lease left wanted keeps reconnecting after the app has closed
      try {
        await this.queue.stop();
      } finally {
        await this.lease.release();
      }
    })();
    return this.stopped;
  }
}
