import { Inject, Injectable, Logger } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import type { Job } from 'pg-boss';
import { Clock } from '../../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { SyncRegistry } from './sync.registry.js';
import { SyncLease } from './sync.lease.js';
import { SyncStore, type Figures } from './sync.store.js';
import { errorText, SyncOwnershipLostError, SyncResourceUnknownError } from './sync.errors.js';
import type { SyncContext, SyncJobData, SyncTaskContext, SyncTaskDefinition } from './sync.types.js';

interface Active {
  controller: AbortController;
  stateId: number;
  runId: number;
}

/**
 * Runs one sync job (one division × resource): claims its state, hands the resource a context with
 * the stored cursor, keeps a heartbeat, and records the outcome. A failure is recorded verbatim and
 * rethrown, so pg-boss retries it with backoff; other divisions' jobs are untouched.
 */
@Injectable()
export class SyncRunner {
  private readonly logger = new Logger('SyncRunner');
  private readonly active = new Map<string, Active>();
  /** Runs whose end waits for the database (keys as the active map's). */
  private readonly ending = new Set<string>();
  private stopping = false;

  constructor(
    private readonly orm: MikroORM,
    private readonly registry: SyncRegistry,
    private readonly store: SyncStore,
    private readonly lease: SyncLease,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private get heartbeatMs(): number {
    return Math.max(200, Math.min(30_000, (this.config.sync.staleMinutes * 60_000) / 4));
  }

  /** The pg-boss handler. */
  async handle(job: Job<SyncJobData>): Promise<void> {
    const { division, resource: name, trigger } = job.data;
    if (job.data.key !== undefined) {
      const task = this.registry.getTask(name);
      if (!task) throw new SyncResourceUnknownError(name);
      return this.handleTask(job as Job<SyncJobData> & { data: { key: string } }, task);
    }
    const def = this.registry.get(name);
    if (!def) throw new SyncResourceUnknownError(name);
    await this.store.ensureState(division, name);
    const prev = await this.store.getState(division, name);
    if (!prev) throw new Error(`sync_state ${name}:${division} vanished`);
    if (prev.status === 'running' && prev.owner && (await this.lease.isAlive(prev.owner))) {
      this.logger.warn(`${name}:${division} is already running in process ${prev.owner}; job ${job.id} ends without running`);
      return;
    }
    const startedAt = this.clock.now();
    const t0 = performance.now(); // durations are measured, not derived from the (controllable) clock
    const elapsed = () => Math.min(2_147_483_647, Math.round(performance.now() - t0));
    const claimed = await this.store.claim(prev, { owner: this.lease.id, now: startedAt, trigger, jobId: job.id });
    if (!claimed) {
      this.logger.warn(`${name}:${division} was claimed by another process; job ${job.id} ends without running`);
      return;
    }
    if (prev.status === 'running' && prev.current_run_id) {
      await this.store.failOrphanRun(prev.current_run_id, startedAt, 'Interrupted: the Koppel process running it stopped; resumed from the stored cursor.');
    }
    const runId = await this.store.insertRun({
      division, resource: name, trigger, startedAt, cursorStart: claimed.cursor, attempt: job.retryCount + 1, jobId: job.id, owner: this.lease.id,
    });
    await this.store.attachRun(claimed.id, this.lease.id, runId);

    const controller = new AbortController();
    const key = `${name}:${division}`;
    this.active.set(key, { controller, stateId: claimed.id, runId });
    const onJobAbort = () => controller.abort(new Error('pg-boss withdrew the job'));
    job.signal?.addEventListener('abort', onJobAbort);
    const figures: Figures = { created: 0, updated: 0, deleted: 0, apiCalls: 0, progressDone: 0, progressTotal: null };
    let lost = false;
    const ensureOwned = (owned: boolean) => {
      if (!owned && !lost) {
        lost = true;
        controller.abort(new SyncOwnershipLostError(name, division));
      }
      if (lost) throw new SyncOwnershipLostError(name, division);
    };
    const beat = async () => ensureOwned(await this.store.beat(claimed.id, this.lease.id, runId, this.clock.now(), figures));
    const timer = setInterval(() => void beat().catch(() => undefined), this.heartbeatMs);
    timer.unref();

    const em = this.orm.em.fork();
    const ctx: SyncContext = {
      division,
      resource: name,
      trigger,
      cursor: claimed.cursor ?? undefined,
      stage: claimed.stage ?? undefined,
      signal: controller.signal,
      em,
      saveCursor: async (cursor, stage, opts) => {
        controller.signal.throwIfAborted();
        ensureOwned(await this.store.saveCursor(claimed.id, this.lease.id, runId, this.clock.now(), cursor, stage, opts?.em));
      },
      progress: async (done, total) => {
        figures.progressDone = done;
        if (total !== undefined) figures.progressTotal = total;
        await beat();
      },
      count: (c) => {
        figures.created += c.created ?? 0;
        figures.updated += c.updated ?? 0;
        figures.deleted += c.deleted ?? 0;
        figures.apiCalls += c.apiCalls ?? 0;
      },
      waitForBudget: () => this.registry.budget.waitForBudget(division, 'background', controller.signal),
    };

    try {
      let failure: { error: unknown } | undefined;
      try {
        await ctx.waitForBudget();
        await def.run(ctx);
        controller.signal.throwIfAborted();
      } catch (e) {
        failure = { error: e };
      }
      if (!failure) {
        await this.recordEnd(key, () => this.store.finish(claimed.id, this.lease.id, runId, { status: 'ok', now: this.clock.now(), durationMs: elapsed(), figures }));
        return;
      }
      const e = failure.error;
      if (lost || e instanceof SyncOwnershipLostError || controller.signal.reason instanceof SyncOwnershipLostError) {
        this.logger.warn(`${key}: taken away by the sweeper; stopped`);
        return; // the sweeper recorded the run and enqueued a fresh job
      }
      const interrupted = controller.signal.aborted && this.stopping;
      const error = interrupted ? 'Interrupted: Koppel shut down during the run; it resumes from the stored cursor.' : errorText(e);
      await this.recordEnd(key, () =>
        this.store.finish(claimed.id, this.lease.id, runId, { status: interrupted ? 'queued' : 'failed', now: this.clock.now(), durationMs: elapsed(), error, figures }),
      );
      this.logger.warn(`${key} failed: ${error}`);
      throw e instanceof Error ? e : new Error(error);
    } finally {
      clearInterval(timer);
      job.signal?.removeEventListener('abort', onJobAbort);
      this.active.delete(key);
    }
  }

  /**
   * One run of a one-off job: a run row in sync_run owned by this process's lease (status, progress, summary),
   * a heartbeat, and the outcome. A run row of an earlier attempt whose owner is alive means it runs elsewhere.
   */
  private async handleTask(job: Job<SyncJobData> & { data: { key: string } }, def: SyncTaskDefinition): Promise<void> {
    const { division, resource: name, trigger, key } = job.data;
    const payload = job.data.payload ?? {};
    const now = this.clock.now();
    const prevRuns = await this.store.taskRuns(name, key);
    for (const prev of prevRuns) {
      if (prev.status !== 'running') continue;
      if (await this.lease.isAlive(prev.owner)) {
        this.logger.warn(`${name} ${key} is already running in process ${prev.owner}; job ${job.id} ends without running`);
        return;
      }
      await this.store.releaseTask(prev, now, 'Interrupted: the Koppel process running it stopped; started again.');
    }
    // a task that already finished is not run twice: not the same job delivered again, and (unless the kind is
    // repeatable, like "check the subscriptions now") not a second job of a key whose run has ended
    const ended = prevRuns.find((p) => p.status !== 'running' && (p.job_id === job.id || !def.repeatable));
    if (ended) {
      this.logger.warn(`${name} ${key} already ended (${ended.status}, run ${ended.id}); job ${job.id} ends without running`);
      return;
    }
    const t0 = performance.now();
    const elapsed = () => Math.min(2_147_483_647, Math.round(performance.now() - t0));
    const runId = await this.store.insertTaskRun({ division, resource: name, trigger, key, payload, startedAt: now, attempt: ((job as { retryCount?: number }).retryCount ?? 0) + 1, jobId: job.id, owner: this.lease.id });
    const controller = new AbortController();
    const activeKey = `${name}:${division}:${key}`;
    this.active.set(activeKey, { controller, stateId: 0, runId });
    const onJobAbort = () => controller.abort(new Error('pg-boss withdrew the job'));
    job.signal?.addEventListener('abort', onJobAbort);
    const figures: Figures = { created: 0, updated: 0, deleted: 0, apiCalls: 0, progressDone: 0, progressTotal: null };
    let summary: Record<string, unknown> | undefined;
    let lost = false;
    const beat = async () => {
      if (await this.store.beatTask(runId, this.lease.id, this.clock.now(), figures, summary)) return;
      if (!lost) {
        lost = true;
        controller.abort(new SyncOwnershipLostError(name, division));
      }
      throw new SyncOwnershipLostError(name, division);
    };
    const timer = setInterval(() => void beat().catch(() => undefined), this.heartbeatMs);
    timer.unref();
    const ctx: SyncTaskContext = {
      resource: name,
      division,
      trigger,
      key,
      payload,
      signal: controller.signal,
      em: this.orm.em.fork(),
      progress: async (done, total, s) => {
        figures.progressDone = done;
        if (total !== undefined) figures.progressTotal = total;
        if (s) summary = s;
        await beat();
      },
      count: (c) => {
        figures.created += c.created ?? 0;
        figures.updated += c.updated ?? 0;
        figures.deleted += c.deleted ?? 0;
        figures.apiCalls += c.apiCalls ?? 0;
      },
    };
    try {
      let failure: { error: unknown } | undefined;
      try {
        const result = await def.run(ctx);
        if (result) summary = result;
        controller.signal.throwIfAborted(); // stopped at a safe point (shutdown): not 'ok'
      } catch (e) {
        failure = { error: e };
      }
      if (!failure) {
        await this.recordEnd(activeKey, () => this.store.finishTask(runId, this.lease.id, { status: 'ok', now: this.clock.now(), durationMs: elapsed(), figures, summary }));
        return;
      }
      const e = failure.error;
      if (lost || e instanceof SyncOwnershipLostError) {
        this.logger.warn(`${activeKey}: taken away by the sweeper; stopped`);
        return;
      }
      const interrupted = controller.signal.aborted && this.stopping;
      const error = interrupted ? 'Interrupted: Koppel shut down during the run.' : errorText(e);
      await this.recordEnd(activeKey, () => this.store.finishTask(runId, this.lease.id, { status: 'failed', now: this.clock.now(), durationMs: elapsed(), error, figures, summary }));
      await def.interrupted?.(key, payload, error).catch((err: Error) => this.logger.error(`${activeKey}: could not mark it interrupted: ${err.message}`));
      this.logger.warn(`${activeKey} failed: ${error}`);
      throw e instanceof Error ? e : new Error(error);
    } finally {
      clearInterval(timer);
      job.signal?.removeEventListener('abort', onJobAbort);
      this.active.delete(activeKey);
    }
  }

  /**
   * Writes the end of a run (ok or failed), trying again while the database is away: a failure that happens with
   * the database down must not leave the run "running" forever. During a shutdown it gives up at once: the lease
   * ends with the process, and the sweeper (or the next taskStatus) closes the run as interrupted.
   */
  private async recordEnd(key: string, write: () => Promise<unknown>): Promise<void> {
    this.ending.add(key);
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          await write();
          return;
        } catch (e) {
          if (this.stopping) {
            this.logger.error(`${key}: could not record its end during shutdown (${(e as Error).message}); the lease's end tells the others`);
            return;
          }
          if (attempt % 20 === 0) this.logger.warn(`${key}: cannot record its end yet (${(e as Error).message}); retrying`);
          await new Promise((r) => setTimeout(r, Math.min(5_000, 250 * 2 ** Math.min(attempt, 5))));
        }
      }
    } finally {
      this.ending.delete(key);
    }
  }

  /** True while a run of this one-off job (any division) has stopped in this process and waits for the database to record its end. */
  isEnding(resource: string, key: string): boolean {
    // ending keys are singleton keys: `${resource}:${division}:${key}`
    return [...this.ending].some((k) => k.startsWith(`${resource}:`) && k.endsWith(`:${key}`) && /^\d+$/.test(k.slice(resource.length + 1, -key.length - 1)));
  }

  /** The sweeper took this process's own (stuck) run away: stop it. */
  abortLocal(resource: string, division: number, key?: string): void {
    this.active.get(key === undefined ? `${resource}:${division}` : `${resource}:${division}:${key}`)?.controller.abort(new SyncOwnershipLostError(resource, division));
  }

  get activeCount(): number {
    return this.active.size;
  }

  /** Shutdown: ask every running resource to stop at its next safe point. */
  abortAll(): void {
    this.stopping = true;
    for (const a of this.active.values()) a.controller.abort(new Error('Koppel is shutting down'));
  }
}
