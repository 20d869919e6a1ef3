import { Global, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { SyncRegistry } from './sync.registry.js';
import { LocationsDivisionSource, UnlimitedApiBudget } from './sync.defaults.js';
import { API_BUDGET, SYNC_DIVISION_SOURCE } from './sync.types.js';
import { SyncQueue } from './sync.queue.js';
import { SyncLease } from './sync.lease.js';
import { SyncStore } from './sync.store.js';
import { SyncRunner } from './sync.runner.js';
import { SyncSchedules } from './sync.schedules.js';
import { SyncService } from './sync.service.js';
import { SyncSweeper } from './sync.sweeper.js';
import { SyncScheduler } from './sync.scheduler.js';
import { SyncEngine } from './sync.engine.js';
import { SyncController } from './sync.controller.js';

/**
 * The sync engine (global, so any module can inject SyncRegistry and register resources):
 * thin cron → one pg-boss job per division × resource → SyncRunner, plus the Sync page.
 */
@Global()
@Module({
  imports: [ScheduleModule.forRoot()],
  providers: [
    { provide: SYNC_DIVISION_SOURCE, useClass: LocationsDivisionSource },
    { provide: API_BUDGET, useClass: UnlimitedApiBudget },
    SyncRegistry,
    SyncQueue,
    SyncLease,
    SyncStore,
    SyncRunner,
    SyncSchedules,
    SyncService,
    SyncSweeper,
    SyncScheduler,
    SyncEngine,
  ],
  controllers: [SyncController],
  exports: [SyncRegistry, SyncService, SyncScheduler, SyncSweeper, SyncLease, SYNC_DIVISION_SOURCE, API_BUDGET],
})
export class SyncModule {}
