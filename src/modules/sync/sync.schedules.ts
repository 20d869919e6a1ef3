import { Inject, Injectable } from '@nestjs/common';
import { CronTime } from 'cron';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import type { SyncSchedule } from './sync.types.js';

/** The two schedules as cron times in SYNC_TIMEZONE (the same `cron` library @nestjs/schedule uses). */
@Injectable()
export class SyncSchedules {
  private readonly times: Record<SyncSchedule, CronTime>;
  readonly timezone: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.timezone = config.sync.timezone;
    this.times = {
      '15min': new CronTime(config.sync.cron, this.timezone),
      nightly: new CronTime(config.sync.nightlyCron, this.timezone),
    };
  }

  expression(schedule: SyncSchedule): string {
    return this.times[schedule].source as string;
  }

  /** The first fire time strictly after `from`. */
  nextFire(schedule: SyncSchedule, from: Date): Date {
    return this.times[schedule].getNextDateFrom(from, this.timezone).toJSDate();
  }

  /** The latest fire time in (after, upTo], if any. */
  lastFireBetween(schedule: SyncSchedule, after: Date, upTo: Date): Date | undefined {
    let due: Date | undefined;
    let next = this.nextFire(schedule, after);
    for (let i = 0; next.getTime() <= upTo.getTime() && i < 100_000; i++) {
      due = next;
      next = this.nextFire(schedule, next);
    }
    return due;
  }
}
