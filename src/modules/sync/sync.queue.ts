import { Inject, Injectable, Logger } from '@nestjs/common';
import { PgBoss, type Job } from 'pg-boss';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { DATABASE_URL } from '../../database/pg-pool.js';
import { singletonKey, type SyncJobData } from './sync.types.js';

/** The one pg-boss queue all sync jobs go through. */
export const SYNC_QUEUE = 'koppel-sync';

/** Retry with exponential backoff (with jitter): ~1, 2, 4 minutes, at most 30 minutes apart. */
export const SYNC_RETRY = { retryLimit: 3, retryDelay: 60, retryBackoff: true, retryDelayMax: 1800 } as const;

/**
 * pg-boss on our PostgreSQL. The queue's policy is 'exclusive' and every job carries the singleton key
 * `${resource}:${division}`: at most one job per key is queued or running across ALL Koppel processes
 * on the database (a unique index in pg-boss's job table), so a second trigger, a second process or a
 * "Run now" while a run is busy enqueues nothing.
 */
@Injectable()
export class SyncQueue {
  private readonly logger = new Logger('SyncQueue');
  private boss?: PgBoss;
  private starting?: Promise<PgBoss>;

  constructor(
    @Inject(DATABASE_URL) private readonly url: string,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Starts pg-boss (creates its schema and the queue once); idempotent. */
  start(opts: { supervise: boolean }): Promise<PgBoss> {
    this.starting ??= (async () => {
      const boss = new PgBoss({
        connectionString: this.url,
        application_name: 'koppel-pgboss',
        max: 4,
        useListenNotify: opts.supervise,
        supervise: opts.supervise,
        schedule: false,
        persistWarnings: false,
      });
      boss.on('error', (e: Error) => this.logger.error(`pg-boss: ${e.message}`));
      await boss.start();
      await boss.createQueue(SYNC_QUEUE, {
        policy: 'exclusive',
        notify: true,
        ...SYNC_RETRY,
        // a run may take long (initial loads); our own sweeper recovers dead runs much sooner
        expireInSeconds: 6 * 60 * 60,
        deleteAfterSeconds: 7 * 24 * 60 * 60,
      });
      this.boss = boss;
      return boss;
    })();
    return this.starting;
  }

  get started(): boolean {
    return !!this.boss;
  }

  private async ready(): Promise<PgBoss> {
    return this.boss ?? this.start({ supervise: false });
  }

  /** Enqueues one job; returns its id, or null when a job with the same key is already queued or running. */
  async send(data: SyncJobData, opts: { startAfterSeconds?: number } = {}): Promise<string | null> {
    const boss = await this.ready();
    return boss.send(SYNC_QUEUE, data, { singletonKey: singletonKey(data.resource, data.division), ...(opts.startAfterSeconds ? { startAfter: opts.startAfterSeconds } : {}) });
  }

  /** Cancels a job (e.g. the job of a dead process, so a fresh one can be enqueued). */
  async cancel(jobId: string): Promise<void> {
    const boss = await this.ready();
    await boss.cancel(SYNC_QUEUE, jobId).catch((e: Error) => this.logger.warn(`cancel ${jobId}: ${e.message}`));
  }

  /** The state of a job in pg-boss (created, retry, active, completed, cancelled, failed), undefined when gone, 'unknown' on error. */
  async jobState(jobId: string): Promise<string | undefined> {
    const boss = await this.ready();
    try {
      const rows = await boss.findJobs(SYNC_QUEUE, { id: jobId });
      return rows[0]?.state;
    } catch (e) {
      this.logger.warn(`looking up job ${jobId}: ${(e as Error).message}`);
      return 'unknown';
    }
  }

  async work(handler: (job: Job<SyncJobData> & { retryCount: number }) => Promise<void>): Promise<void> {
    const boss = await this.ready();
    await boss.work<SyncJobData>(
      SYNC_QUEUE,
      { batchSize: 1, localConcurrency: this.config.sync.concurrency, pollingIntervalSeconds: this.config.sync.pollSeconds },
      async ([job]) => handler(job),
    );
  }

  async stop(): Promise<void> {
    const boss = this.boss;
    this.boss = undefined;
    this.starting = undefined;
    await boss?.stop({ graceful: true, timeout: 10000 }).catch((e: Error) => this.logger.warn(`pg-boss stop: ${e.message}`));
  }
}
