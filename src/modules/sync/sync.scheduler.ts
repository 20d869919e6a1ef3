import { Inject, Injectable, Logger } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { Clock } from '../../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { SyncSchedules } from './sync.schedules.js';
import { SyncService } from './sync.service.js';
import { SyncSweeper } from './sync.sweeper.js';
import { SyncStore } from './sync.store.js';
import { SYNC_SCHEDULES, type SyncSchedule } from './sync.types.js';

/** History rows older than this are removed by the nightly trigger. */
export const SYNC_HISTORY_DAYS = 90;

export interface TickResult {
  fired: { schedule: SyncSchedule; at: Date }[];
  queued: number;
  busy: number;
}

/**
 * The thin cron: @nestjs/schedule timers (SYNC_CRON, NIGHTLY_CRON in SYNC_TIMEZONE) call tick(), which
 * decides from the injectable Clock which schedules came due since the previous tick and only
 * enqueues. Tests drive tick() with a controlled clock instead of real timers (SYNC_TIMERS=false).
 */
@Injectable()
export class SyncScheduler {
  private readonly logger = new Logger('SyncScheduler');
  private readonly last = new Map<SyncSchedule, Date>();
  private ticking: Promise<TickResult> = Promise.resolve({ fired: [], queued: 0, busy: 0 });

  constructor(
    private readonly schedules: SyncSchedules,
    private readonly sync: SyncService,
    private readonly sweeper: SyncSweeper,
    private readonly store: SyncStore,
    private readonly clock: Clock,
    private readonly registry: SchedulerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.rewind(clock.now());
  }

  /** Forget earlier ticks: the next tick fires only what comes due after `at`. */
  rewind(at: Date): void {
    for (const s of SYNC_SCHEDULES) this.last.set(s, at);
  }

  startTimers(): void {
    for (const s of SYNC_SCHEDULES) {
      const name = `koppel-sync-${s}`;
      if (this.registry.doesExist('cron', name)) continue;
      const job = CronJob.from({
        cronTime: this.schedules.expression(s),
        timeZone: this.config.sync.timezone,
        onTick: () => void this.tick().catch((e: Error) => this.logger.error(`tick: ${e.message}`)),
        start: true,
      });
      this.registry.addCronJob(name, job);
    }
  }

  stopTimers(): void {
    for (const s of SYNC_SCHEDULES) {
      const name = `koppel-sync-${s}`;
      if (this.registry.doesExist('cron', name)) {
        void this.registry.getCronJob(name).stop();
        this.registry.deleteCronJob(name);
      }
    }
  }

  /** Fires every schedule that came due in (previous tick, now]; several missed fire times fire once. */
  tick(now: Date = this.clock.now()): Promise<TickResult> {
    this.ticking = this.ticking.catch(() => undefined).then(() => this.doTick(now));
    return this.ticking;
  }

  private async doTick(now: Date): Promise<TickResult> {
    const result: TickResult = { fired: [], queued: 0, busy: 0 };
    for (const s of SYNC_SCHEDULES) {
      const since = this.last.get(s) ?? now;
      if (now.getTime() <= since.getTime()) continue;
      this.last.set(s, now);
      const at = this.schedules.lastFireBetween(s, since, now);
      if (!at) continue;
      result.fired.push({ schedule: s, at });
      if (s === '15min') await this.sweeper.sweep().catch((e: Error) => this.logger.error(`sweep: ${e.message}`));
      if (s === 'nightly') {
        const removed = await this.store.pruneHistory(new Date(now.getTime() - SYNC_HISTORY_DAYS * 86_400_000));
        if (removed) this.logger.log(`removed ${removed} sync history rows older than ${SYNC_HISTORY_DAYS} days`);
      }
      const { queued, busy } = await this.sync.enqueueAll('schedule', s, at);
      result.queued += queued;
      result.busy += busy;
      this.logger.log(`${s} schedule (${at.toISOString()}): ${queued} jobs queued, ${busy} already queued or running`);
    }
    return result;
  }
}
