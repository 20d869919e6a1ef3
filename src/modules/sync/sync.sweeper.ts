import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { SyncLease } from './sync.lease.js';
import { SyncStore } from './sync.store.js';
import { SyncQueue } from './sync.queue.js';
import { SyncRunner } from './sync.runner.js';
import { SyncService } from './sync.service.js';

/**
 * Recovers runs stuck in "running": the process that ran it is gone (its advisory lock is free), or
 * its heartbeat is older than SYNC_STALE_MINUTES. The run is recorded as failed with the reason, its
 * pg-boss job is cancelled, and a fresh job is enqueued, which resumes from the stored cursor.
 */
@Injectable()
export class SyncSweeper {
  private readonly logger = new Logger('SyncSweeper');

  constructor(
    private readonly store: SyncStore,
    private readonly lease: SyncLease,
    private readonly queue: SyncQueue,
    private readonly runner: SyncRunner,
    private readonly sync: SyncService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Returns the keys (`resource:division`) it recovered. */
  async sweep(): Promise<string[]> {
    const now = this.clock.now();
    const staleBefore = now.getTime() - this.config.sync.staleMinutes * 60_000;
    const recovered: string[] = [];
    for (const row of await this.store.runningStates()) {
      const alive = await this.lease.isAlive(row.owner);
      const stale = !row.heartbeat_at || new Date(row.heartbeat_at).getTime() < staleBefore;
      if (alive && !stale) continue;
      const reason = alive
        ? `Stuck: no heartbeat since ${new Date(row.heartbeat_at ?? now).toISOString()} (more than ${this.config.sync.staleMinutes} minutes); recovered by the sweeper.`
        : 'Interrupted: the Koppel process running it stopped (crash or kill); recovered by the sweeper.';
      if (!(await this.store.release(row, now, reason))) continue;
      const key = `${row.resource}:${row.division}`;
      recovered.push(key);
      this.logger.warn(`${key}: ${reason}`);
      if (row.owner === this.lease.id) this.runner.abortLocal(row.resource, row.division);
      if (row.job_id) await this.queue.cancel(row.job_id);
      try {
        await this.sync.enqueue(row.division, row.resource, 'recovery');
      } catch (e) {
        this.logger.error(`${key}: could not re-enqueue: ${(e as Error).message}`);
      }
    }
    recovered.push(...(await this.sweepTasks(now, staleBefore)));
    await this.reconcileQueued();
    return recovered;
  }

  /**
   * One-off jobs (export runs, customer exports) whose process died (its lease is free, on any host) or that
   * stopped beating: their run row is closed as failed and their own record told (they are not restarted by
   * themselves; the person starts them again and the exactly-once steps make that safe).
   */
  async sweepTasks(now = this.clock.now(), staleBefore = now.getTime() - this.config.sync.staleMinutes * 60_000): Promise<string[]> {
    const recovered: string[] = [];
    for (const row of await this.store.runningTasks()) {
      const alive = await this.lease.isAlive(row.owner);
      const stale = !row.heartbeat_at || new Date(row.heartbeat_at).getTime() < staleBefore;
      if (alive && !stale) continue;
      const reason = alive
        ? `Stuck: no heartbeat for more than ${this.config.sync.staleMinutes} minutes; stopped by the sweeper.`
        : 'Interrupted: the Koppel process running it stopped (crash or kill).';
      if (row.owner === this.lease.id) this.runner.abortLocal(row.resource, row.division, row.job_key);
      if (!(await this.sync.closeTask(row, now, reason))) continue;
      recovered.push(`${row.resource}:${row.division}:${row.job_key}`);
    }
    return recovered;
  }

  /** "Queued" states whose pg-boss job no longer waits or runs (so the page does not poll forever). */
  private async reconcileQueued(): Promise<void> {
    for (const row of await this.store.queuedStates()) {
      const state = row.job_id ? await this.queue.jobState(row.job_id) : undefined;
      if (state === 'created' || state === 'retry' || state === 'active' || state === 'unknown') continue;
      if (await this.store.unqueue(row.id, row.job_id)) this.logger.warn(`${row.resource}:${row.division}: its job is gone (${state ?? 'none'}); no longer shown as queued`);
    }
  }
}
