import { Inject, Injectable, Logger } from '@nestjs/common';
import { MikroORM, type FilterQuery } from '@mikro-orm/postgresql';
import { Clock } from '../../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { toPage, type Page } from '../../common/pagination.js';
import { SyncRegistry } from './sync.registry.js';
import { SyncQueue } from './sync.queue.js';
import { SyncStore, type TaskRunRow } from './sync.store.js';
import { SyncLease } from './sync.lease.js';
import { SyncRunner } from './sync.runner.js';
import { SyncSchedules } from './sync.schedules.js';
import { SyncState } from './sync-state.entity.js';
import { SyncRun } from './sync-run.entity.js';
import { SyncResourceUnknownError } from './sync.errors.js';
import { singletonKey, type DivisionHealth, type SyncDivision, type SyncRunStatus, type SyncSchedule, type SyncTaskState, type SyncTrigger } from './sync.types.js';

/** What the engine knows of a one-off job: its state and its latest run row (progress, summary, error). */
export interface TaskStatus {
  state: SyncTaskState;
  run?: TaskRunRow;
}

export type EnqueueResult = 'queued' | 'busy';

export interface HistoryFilter {
  division?: number;
  resource?: string;
  status?: SyncRunStatus;
  page: number;
  pageSize: number;
}

export interface StatusRow {
  division: number;
  resource: string;
  schedule: SyncSchedule;
  labelKey?: string;
  state?: SyncState;
  nextRunAt?: Date;
}

export interface DivisionStatus extends SyncDivision {
  /** Health including the sync's own view: a resource whose last run failed makes the division 'failing'. */
  effectiveHealth: DivisionHealth;
  failedResources: string[];
  rows: StatusRow[];
}

/** Enqueueing and reading the sync state; the rules behind the Sync page and the dashboard. */
@Injectable()
export class SyncService {
  private readonly logger = new Logger('SyncService');

  constructor(
    private readonly orm: MikroORM,
    private readonly registry: SyncRegistry,
    private readonly queue: SyncQueue,
    private readonly store: SyncStore,
    private readonly schedules: SyncSchedules,
    private readonly lease: SyncLease,
    private readonly runner: SyncRunner,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Enqueues one division × resource. 'busy' when a job for it is already queued or running (in any
   * process), or — for a schedule's fire time (`firedAt`) — when another process already handled that fire.
   * `startAfterSeconds` keeps the job queued that long first, so triggers of a burst fold into it.
   */
  async enqueue(division: number, resource: string, trigger: SyncTrigger, opts: { firedAt?: Date; startAfterSeconds?: number } = {}): Promise<EnqueueResult> {
    const def = this.registry.get(resource);
    if (!def) throw new SyncResourceUnknownError(resource);
    await this.store.ensureState(division, resource);
    const next = this.schedules.nextFire(def.schedule, opts.firedAt ?? this.clock.now());
    if (opts.firedAt && !(await this.store.claimFire(division, resource, opts.firedAt, next))) return 'busy';
    const jobId = await this.queue.send({ division, resource, trigger }, { startAfterSeconds: opts.startAfterSeconds });
    if (!jobId) {
      await this.store.setNextRun(division, resource, next);
      return 'busy';
    }
    await this.store.markQueued(division, resource, jobId, next);
    return 'queued';
  }

  /**
   * Where the job of a division × resource is in the queue right now: 'queued' (waiting, maybe deferred by
   * startAfterSeconds), 'running', or undefined (none). A caller whose enqueue was 'busy' learns from it whether the
   * waiting job will still see its change ('queued') or one has to follow the running one.
   */
  async jobState(division: number, resource: string): Promise<'queued' | 'running' | undefined> {
    const state = await this.queue.keyState(singletonKey(resource, division));
    if (state === 'created' || state === 'retry') return 'queued';
    if (state === 'active') return 'running';
    return undefined;
  }

  /**
   * Queues a one-off job (an export run, a customer export) of a registered task: `key` names it (one job per
   * key at a time), `payload` says what to do. Any process may call this; a process with SYNC_ENABLED runs it.
   * Returns the pg-boss job id, or null when a job of this key is already queued or running.
   */
  async submit(resource: string, key: string, opts: { trigger: SyncTrigger; payload?: Record<string, unknown>; division?: number }): Promise<string | null> {
    if (!this.registry.getTask(resource)) throw new SyncResourceUnknownError(resource);
    return this.queue.send({ division: opts.division ?? 0, resource, trigger: opts.trigger, key, payload: opts.payload ?? {} }, { retryLimit: 0 });
  }

  /**
   * The state of a one-off job, for the progress fragments. A run whose process died (its lease is free, on any
   * host) is closed here at once, so a page never waits on a dead worker.
   */
  async taskStatus(resource: string, key: string, division = 0): Promise<TaskStatus> {
    const [run] = await this.store.taskRuns(resource, key);
    if (run?.status === 'running') {
      if (await this.lease.isAlive(run.owner)) return { state: 'running', run };
      await this.closeTask(run, this.clock.now(), 'Interrupted: the Koppel process running it stopped (crash or kill).');
      const [closed] = await this.store.taskRuns(resource, key);
      return { state: 'failed', run: closed };
    }
    const state = await this.queue.keyState(singletonKey(resource, division, key));
    if (state === 'created' || state === 'retry') return { state: 'queued', run };
    if (state === 'active') return { state: 'running', run };
    if (run) return { state: run.status, run };
    return { state: 'gone' };
  }

  /** Keys of the one-off jobs of a task kind that are queued or running now (any division, any process). */
  async openTaskKeys(resource: string): Promise<string[]> {
    const [queued, running] = await Promise.all([this.queue.openTaskKeys(resource), this.store.runningTaskKeys(resource)]);
    return [...new Set([...queued, ...running])];
  }

  /** True while this process's run of the job has stopped and waits for the database to record its end. */
  taskEnding(resource: string, key: string): boolean {
    return this.runner.isEnding(resource, key);
  }

  /** Closes a one-off run whose owner is dead (or stuck): failed with the reason, its job withdrawn, its task told. */
  async closeTask(row: TaskRunRow, now: Date, reason: string): Promise<boolean> {
    if (!(await this.store.releaseTask(row, now, reason))) return false;
    const key = `${row.resource}:${row.division}:${row.job_key}`;
    this.logger.warn(`${key}: ${reason}`);
    if (row.job_id) await this.queue.cancel(row.job_id);
    await this.registry
      .getTask(row.resource)
      ?.interrupted?.(row.job_key, row.payload ?? {}, reason)
      .catch((e: Error) => this.logger.error(`${key}: could not mark it interrupted: ${e.message}`));
    return true;
  }

  /** The divisions of the division source; a source that fails (e.g. Exact not reachable) yields none, logged. */
  async divisions(): Promise<SyncDivision[]> {
    try {
      return await this.registry.divisions.listDivisions();
    } catch (e) {
      this.logger.error(`listing the divisions to sync failed: ${(e as Error).message}`);
      return [];
    }
  }

  /** Divisions that jobs may run for now (a division that needs a reconnect would only fail). */
  async runnableDivisions(): Promise<SyncDivision[]> {
    return (await this.divisions()).filter((d) => d.health !== 'needs_reconnect');
  }

  /** One job per division × resource of a schedule (or of all schedules); returns how many were queued. */
  async enqueueAll(trigger: SyncTrigger, schedule?: SyncSchedule, firedAt?: Date): Promise<{ queued: number; busy: number }> {
    const divisions = await this.runnableDivisions();
    let queued = 0;
    let busy = 0;
    for (const d of divisions) {
      for (const r of this.registry.list(schedule)) {
        try {
          if ((await this.enqueue(d.division, r.name, trigger, { firedAt })) === 'queued') queued++;
          else busy++;
        } catch (e) {
          // one division or resource that cannot be enqueued must not stop the others
          this.logger.error(`enqueue ${r.name}:${d.division}: ${(e as Error).message}`);
        }
      }
    }
    return { queued, busy };
  }

  /** The Sync page: per division, every registered resource with its state and next run. */
  async overview(): Promise<DivisionStatus[]> {
    const divisions = await this.divisions();
    const resources = this.registry.list();
    const states = await this.orm.em.fork().find(SyncState, {}, { orderBy: { division: 'asc', resource: 'asc' } });
    const byKey = new Map(states.map((s) => [`${s.resource}:${s.division}`, s]));
    const now = this.clock.now();
    return divisions.map((d) => {
      const rows: StatusRow[] = resources.map((r) => {
        const state = byKey.get(`${r.name}:${d.division}`);
        return {
          division: d.division,
          resource: r.name,
          schedule: r.schedule,
          labelKey: r.labelKey,
          state,
          nextRunAt: this.config.sync.enabled ? this.schedules.nextFire(r.schedule, now) : undefined,
        };
      });
      const failedResources = rows.filter((r) => r.state?.status === 'failed').map((r) => r.resource);
      const effectiveHealth: DivisionHealth = d.health !== 'ok' ? d.health : failedResources.length ? 'failing' : 'ok';
      return { ...d, effectiveHealth, failedResources, rows };
    });
  }

  /** True while anything is queued or running (the page keeps polling). */
  async busy(): Promise<boolean> {
    return (await this.orm.em.fork().count(SyncState, { status: { $in: ['queued', 'running'] } })) > 0;
  }

  /** Divisions that are not healthy, for the dashboard. */
  async unhealthyDivisions(): Promise<DivisionStatus[]> {
    return (await this.overview()).filter((d) => d.effectiveHealth !== 'ok');
  }

  async history(filter: HistoryFilter): Promise<Page<SyncRun>> {
    const where: FilterQuery<SyncRun> = {};
    if (filter.division !== undefined) where.division = filter.division;
    if (filter.resource) where.resource = filter.resource;
    if (filter.status) where.status = filter.status;
    const [items, total] = await this.orm.em.fork().findAndCount(SyncRun, where, {
      orderBy: { startedAt: 'desc', id: 'desc' },
      limit: filter.pageSize,
      offset: (filter.page - 1) * filter.pageSize,
    });
    return toPage(items, total, filter);
  }

  /** Distinct divisions and resources that appear in the history (for the filter choices). */
  async historyChoices(): Promise<{ divisions: number[]; resources: string[] }> {
    const em = this.orm.em.fork();
    const d = await em.execute<{ division: number }[]>('select distinct division from sync_run order by division');
    const r = await em.execute<{ resource: string }[]>('select distinct resource from sync_run order by resource');
    const resources = new Set([...r.map((x) => x.resource), ...this.registry.list().map((x) => x.name)]);
    return { divisions: d.map((x) => Number(x.division)), resources: [...resources].sort() };
  }
}
