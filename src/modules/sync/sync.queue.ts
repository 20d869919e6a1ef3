import { Inject, Injectable, Logger } from '@nestjs/common';
import { PgBoss, type Job } from 'pg-boss';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { DATABASE_URL } from '../../database/pg-pool.js';
import { PRIORITY, priorityOf, singletonKey, type SyncJobData } from './sync.types.js';

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
  /** Set at shutdown: no pg-boss is started any more (one started during shutdown would outlive the app). */
  private stopped = false;

  constructor(
    @Inject(DATABASE_URL) private readonly url: string,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Starts pg-boss (creates its schema and the queue once); idempotent. */
  start(opts: { supervise: boolean }): Promise<PgBoss> {
    if (this.stopped) return Promise.reject(new Error('the sync queue is shut down'));
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

  /**
   * Enqueues one job with the priority of its trigger; returns its id, or null when a job with the same key is
   * already queued or running. A person's trigger that finds a scheduled job of the same key waiting lifts that
   * job to its own priority, so what the person asked for does not wait behind the rest of the night.
   */
  async send(data: SyncJobData, opts: { startAfterSeconds?: number; retryLimit?: number } = {}): Promise<string | null> {
    const boss = await this.ready();
    const key = singletonKey(data.resource, data.division, data.key);
    const priority = priorityOf(data.trigger);
    const id = await boss.send(SYNC_QUEUE, data, {
      singletonKey: key,
      priority,
      ...(opts.startAfterSeconds ? { startAfter: opts.startAfterSeconds } : {}),
      ...(opts.retryLimit !== undefined ? { retryLimit: opts.retryLimit } : {}),
    });
    if (!id && priority > PRIORITY.schedule) {
      await this.raise(key, priority).catch((e: Error) => this.logger.warn(`raising the priority of ${key}: ${e.message}`));
    }
    return id;
  }

  /** Lifts a waiting (not yet active) job of this key to at least this priority. */
  private async raise(key: string, priority: number): Promise<void> {
    const boss = await this.ready();
    for (const j of await boss.findJobs(SYNC_QUEUE, { key, queued: true })) {
      if (j.priority < priority) await boss.update(SYNC_QUEUE, undefined, { id: j.id, priority });
    }
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

  /**
   * Two lanes on the one queue: the general one (SYNC_CONCURRENCY, every job in priority order) and one lane
   * that only takes work a person started, so it starts even while every general slot runs a long nightly job.
   */
  /** The state of the newest job of a singleton key (created, retry, active, completed, …), undefined when none. */
  async keyState(key: string): Promise<string | undefined> {
    const boss = await this.ready();
    const jobs = await boss.findJobs(SYNC_QUEUE, { key });
    jobs.sort((a, b) => new Date(b.createdOn).getTime() - new Date(a.createdOn).getTime());
    return jobs[0]?.state;
  }

  /** The keys of one-off jobs of a task kind that are queued or running (any division). */
  async openTaskKeys(resource: string): Promise<string[]> {
    const boss = await this.ready();
    const jobs = await boss.findJobs<SyncJobData>(SYNC_QUEUE, { data: { resource } });
    return jobs.filter((j) => ['created', 'retry', 'active'].includes(j.state) && j.data.key !== undefined).map((j) => j.data.key!);
  }

  async work(handler: (job: Job<SyncJobData> & { retryCount: number }) => Promise<void>): Promise<void> {
    const boss = await this.ready();
    // NOTIFY only wakes a worker for a NEW job; without notifyPollingIntervalSeconds a worker that just finished one
    // waits pg-boss's 30-second backstop before fetching the next one already waiting (a queued night crawled)
    const poll = this.config.sync.pollSeconds;
    const base = { batchSize: 1, pollingIntervalSeconds: poll, notifyPollingIntervalSeconds: poll };
    await boss.work<SyncJobData>(SYNC_QUEUE, { ...base, localConcurrency: this.config.sync.concurrency }, async ([job]) => handler(job));
    await boss.work<SyncJobData>(SYNC_QUEUE, { ...base, localConcurrency: 1, minPriority: PRIORITY.person }, async ([job]) => handler(job));
  }

  /** Stops fetching jobs in this process (the ones in hand finish); sending still works. */
  async offWork(): Promise<void> {
    await this.boss?.offWork(SYNC_QUEUE);
  }

  /**
   * Stops pg-boss for good. A start still under way (the first send of a process that does no work of its own, at
   * the moment it shuts down) is waited for and stopped too: before, it finished after stop() and its timers and
   * pool lived on after the app had closed.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    const starting = this.starting;
    this.starting = undefined;
    const boss = this.boss ?? (await starting?.catch(() => undefined));
    this.boss = undefined;
    await boss?.stop({ graceful: true, timeout: 10000 }).catch((e: Error) => this.logger.warn(`pg-boss stop: ${e.message}`));
  }
}
