import { Injectable } from '@nestjs/common';
import { MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import type { SyncCounts, SyncStatus, SyncTrigger } from './sync.types.js';

export interface StateRow {
  id: number;
  division: number;
  resource: string;
  cursor: string | null;
  stage: string | null;
  status: SyncStatus;
  owner: number | null;
  heartbeat_at: Date | null;
  current_run_id: number | null;
  job_id: string | null;
  last_started_at: Date | null;
}

/** A run row of a one-off job (sync_run with a job_key). */
export interface TaskRunRow {
  id: number;
  division: number;
  resource: string;
  job_key: string;
  job_id: string | null;
  status: 'running' | 'ok' | 'failed';
  owner: number | null;
  payload: Record<string, unknown> | null;
  summary: Record<string, unknown> | null;
  /** Why it failed, verbatim (Exact's own message, or the interruption). */
  error: string | null;
  heartbeat_at: Date | null;
  started_at: Date;
  finished_at: Date | null;
}

export interface Figures extends Required<SyncCounts> {
  progressDone: number;
  progressTotal: number | null;
}

/**
 * The SQL of the sync engine's own bookkeeping. Every change of a running job is a compare-and-set
 * on (owner, current_run_id), so two processes can never both think they run the same job.
 */
@Injectable()
export class SyncStore {
  constructor(private readonly orm: MikroORM) {}

  private em(em?: EntityManager): EntityManager {
    return em ?? this.orm.em.fork();
  }

  private async rows<T>(sql: string, params: unknown[], em?: EntityManager): Promise<T[]> {
    return this.em(em).execute<T[]>(sql, params as never[], 'all');
  }

  async ensureState(division: number, resource: string): Promise<void> {
    await this.rows(
      `insert into sync_state (division, resource) values (?, ?) on conflict (division, resource) do nothing`,
      [division, resource],
    );
  }

  async getState(division: number, resource: string): Promise<StateRow | undefined> {
    const [row] = await this.rows<StateRow>(`select * from sync_state where division = ? and resource = ?`, [division, resource]);
    return row;
  }

  async runningStates(): Promise<StateRow[]> {
    return this.rows<StateRow>(`select * from sync_state where status = 'running' order by id`, []);
  }

  /** After a successful enqueue: queued, unless a worker already picked it up. */
  async markQueued(division: number, resource: string, jobId: string, nextRunAt: Date | null): Promise<void> {
    await this.rows(
      `update sync_state set status = case when status = 'running' then status else 'queued' end,
         job_id = case when status = 'running' then job_id else ? end, next_run_at = coalesce(?, next_run_at), updated_at = now()
       where division = ? and resource = ?`,
      [jobId, nextRunAt, division, resource],
    );
  }

  /**
   * One fire time of a schedule is handled once across all processes: the first process to move
   * next_run_at past `firedAt` wins; a process that arrives later (even after the run finished) skips it.
   */
  async claimFire(division: number, resource: string, firedAt: Date, next: Date): Promise<boolean> {
    const rows = await this.rows<{ id: number }>(
      `update sync_state set next_run_at = ? where division = ? and resource = ? and (next_run_at is null or next_run_at <= ?) returning id`,
      [next, division, resource, firedAt],
    );
    return rows.length > 0;
  }

  async setNextRun(division: number, resource: string, nextRunAt: Date): Promise<void> {
    await this.rows(`update sync_state set next_run_at = ? where division = ? and resource = ?`, [nextRunAt, division, resource]);
  }

  /** Takes the state for this process when nobody (alive) runs it; returns the row before the claim. */
  async claim(
    prev: StateRow,
    claim: { owner: number; now: Date; trigger: SyncTrigger; jobId: string },
  ): Promise<StateRow | undefined> {
    const [row] = await this.rows<StateRow>(
      `update sync_state set status = 'running', owner = ?, heartbeat_at = ?, last_started_at = ?, last_trigger = ?, job_id = ?,
         current_run_id = null, created_count = 0, updated_count = 0, deleted_count = 0, api_calls = 0,
         progress_done = 0, progress_total = null, updated_at = now()
       where id = ? and (status <> 'running' or (owner is not distinct from ? and current_run_id is not distinct from ?))
       returning *`,
      [claim.owner, claim.now, claim.now, claim.trigger, claim.jobId, prev.id, prev.owner, prev.current_run_id],
    );
    return row;
  }

  async insertRun(r: {
    division: number;
    resource: string;
    trigger: SyncTrigger;
    startedAt: Date;
    cursorStart: string | null;
    attempt: number;
    jobId: string;
    owner: number;
  }): Promise<number> {
    const [row] = await this.rows<{ id: number }>(
      `insert into sync_run (division, resource, trigger, status, started_at, cursor_start, cursor_end, attempt, job_id, owner)
       values (?, ?, ?, 'running', ?, ?, ?, ?, ?, ?) returning id`,
      [r.division, r.resource, r.trigger, r.startedAt, r.cursorStart, r.cursorStart, r.attempt, r.jobId, r.owner],
    );
    return row.id;
  }

  async attachRun(stateId: number, owner: number, runId: number): Promise<void> {
    await this.rows(`update sync_state set current_run_id = ? where id = ? and owner = ?`, [runId, stateId, owner]);
  }

  /** Heartbeat + live figures; false when this process no longer owns the run. */
  async beat(stateId: number, owner: number, runId: number, now: Date, f: Figures): Promise<boolean> {
    const rows = await this.rows<{ id: number }>(
      `update sync_state set heartbeat_at = ?, created_count = ?, updated_count = ?, deleted_count = ?, api_calls = ?,
         progress_done = ?, progress_total = ?
       where id = ? and owner = ? and current_run_id = ? and status = 'running' returning id`,
      [now, f.created, f.updated, f.deleted, f.apiCalls, f.progressDone, f.progressTotal, stateId, owner, runId],
    );
    if (rows.length) {
      await this.rows(
        `update sync_run set created_count = ?, updated_count = ?, deleted_count = ?, api_calls = ?, progress_done = ?, progress_total = ?
         where id = ?`,
        [f.created, f.updated, f.deleted, f.apiCalls, f.progressDone, f.progressTotal, runId],
      );
    }
    return rows.length > 0;
  }

  /** Moves the cursor (optionally inside the caller's transaction); false when the run was taken away. */
  async saveCursor(stateId: number, owner: number, runId: number, now: Date, cursor: string, stage: string | undefined, em?: EntityManager): Promise<boolean> {
    const rows = await this.rows<{ id: number }>(
      `update sync_state set cursor = ?, stage = coalesce(?, stage), heartbeat_at = ?
       where id = ? and owner = ? and current_run_id = ? and status = 'running' returning id`,
      [cursor, stage ?? null, now, stateId, owner, runId],
      em,
    );
    if (rows.length) await this.rows(`update sync_run set cursor_end = ? where id = ?`, [cursor, runId], em);
    return rows.length > 0;
  }

  /** Ends a run: ok, failed (with the error verbatim) or queued again (interrupted by a shutdown). */
  async finish(
    stateId: number,
    owner: number,
    runId: number,
    outcome: { status: 'ok' | 'failed' | 'queued'; now: Date; durationMs: number; error?: string; figures: Figures },
  ): Promise<boolean> {
    const f = outcome.figures;
    const ok = outcome.status === 'ok';
    const rows = await this.rows<{ id: number }>(
      `update sync_state set status = ?, owner = null, heartbeat_at = null, current_run_id = null,
         job_id = case when ? = 'queued' then job_id else null end,
         last_finished_at = ?, last_duration_ms = ?, last_ok_at = case when ? then ? else last_ok_at end,
         last_error = case when ? then last_error else ? end, last_error_at = case when ? then last_error_at else ? end,
         created_count = ?, updated_count = ?, deleted_count = ?, api_calls = ?, progress_done = ?, progress_total = ?, updated_at = now()
       where id = ? and owner = ? and current_run_id = ? returning id`,
      [
        outcome.status, outcome.status, outcome.now, outcome.durationMs, ok, outcome.now, ok, outcome.error ?? null, ok, outcome.now,
        f.created, f.updated, f.deleted, f.apiCalls, f.progressDone, f.progressTotal, stateId, owner, runId,
      ],
    );
    await this.finishRun(runId, ok ? 'ok' : 'failed', outcome.now, outcome.durationMs, outcome.error, f);
    return rows.length > 0;
  }

  async finishRun(runId: number, status: 'ok' | 'failed', now: Date, durationMs: number | null, error: string | undefined, f?: Figures): Promise<void> {
    await this.rows(
      `update sync_run set status = ?, finished_at = ?, duration_ms = coalesce(?, duration_ms), error = ?,
         created_count = coalesce(?, created_count), updated_count = coalesce(?, updated_count), deleted_count = coalesce(?, deleted_count),
         api_calls = coalesce(?, api_calls), progress_done = coalesce(?, progress_done), progress_total = coalesce(?, progress_total)
       where id = ? and status = 'running'`,
      [status, now, durationMs, error ?? null, f?.created ?? null, f?.updated ?? null, f?.deleted ?? null, f?.apiCalls ?? null, f?.progressDone ?? null, f?.progressTotal ?? null, runId],
    );
  }

  /** Sweeper: takes a running state away from its (dead or stuck) owner; returns true when it did. */
  async release(row: StateRow, now: Date, reason: string): Promise<boolean> {
    const rows = await this.rows<{ id: number }>(
      `update sync_state set status = 'queued', owner = null, heartbeat_at = null, current_run_id = null,
         last_error = ?, last_error_at = ?, last_finished_at = ?, updated_at = now()
       where id = ? and status = 'running' and owner is not distinct from ? and current_run_id is not distinct from ? returning id`,
      [reason, now, now, row.id, row.owner, row.current_run_id],
    );
    if (!rows.length) return false;
    if (row.current_run_id) {
      const durationMs = row.last_started_at ? Math.max(0, Math.min(2_147_483_647, now.getTime() - new Date(row.last_started_at).getTime())) : null;
      await this.finishRun(row.current_run_id, 'failed', now, durationMs, reason);
    }
    return true;
  }

  /** A recovered run of a dead owner whose state was already taken over: close its history row. */
  async failOrphanRun(runId: number, now: Date, reason: string): Promise<void> {
    await this.finishRun(runId, 'failed', now, null, reason);
  }

  async queuedStates(): Promise<StateRow[]> {
    return this.rows<StateRow>(`select * from sync_state where status = 'queued' order by id`, []);
  }

  /** A queued state whose job is gone (finished elsewhere, cancelled, retries used up) shows its last outcome again. */
  async unqueue(stateId: number, jobId: string | null): Promise<boolean> {
    const rows = await this.rows<{ id: number }>(
      `update sync_state set job_id = null, status = case
           when last_finished_at is null then 'idle'
           when last_error_at is not null and (last_ok_at is null or last_error_at >= last_ok_at) then 'failed'
           else 'ok' end
       where id = ? and status = 'queued' and job_id is not distinct from ? returning id`,
      [stateId, jobId],
    );
    return rows.length > 0;
  }

  // ---- one-off jobs: their run row in sync_run is their only bookkeeping ----

  async insertTaskRun(r: {
    division: number;
    resource: string;
    trigger: SyncTrigger;
    key: string;
    payload: Record<string, unknown>;
    startedAt: Date;
    attempt: number;
    jobId: string;
    owner: number;
  }): Promise<number> {
    const [row] = await this.rows<{ id: number }>(
      `insert into sync_run (division, resource, trigger, status, started_at, heartbeat_at, attempt, job_id, owner, job_key, payload)
       values (?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?) returning id`,
      [r.division, r.resource, r.trigger, r.startedAt, r.startedAt, r.attempt, r.jobId, r.owner, r.key, JSON.stringify(r.payload)],
    );
    return row.id;
  }

  /** The run rows of one job key, newest first. */
  async taskRuns(resource: string, key: string): Promise<TaskRunRow[]> {
    return this.rows<TaskRunRow>(`select * from sync_run where resource = ? and job_key = ? order by id desc`, [resource, key]);
  }

  /** Keys of the runs of one task kind that are running (as their rows say). */
  async runningTaskKeys(resource: string): Promise<string[]> {
    return (await this.rows<{ job_key: string }>(`select job_key from sync_run where resource = ? and status = 'running' and job_key is not null`, [resource])).map((r) => r.job_key);
  }

  async runningTasks(): Promise<TaskRunRow[]> {
    return this.rows<TaskRunRow>(`select * from sync_run where status = 'running' and job_key is not null order by id`, []);
  }

  /** Heartbeat, progress and summary of a one-off run; false when this process no longer owns it. */
  async beatTask(runId: number, owner: number, now: Date, f: Figures, summary: Record<string, unknown> | undefined): Promise<boolean> {
    const rows = await this.rows<{ id: number }>(
      `update sync_run set heartbeat_at = ?, created_count = ?, updated_count = ?, deleted_count = ?, api_calls = ?,
         progress_done = ?, progress_total = ?, summary = coalesce(?::jsonb, summary)
       where id = ? and owner = ? and status = 'running' returning id`,
      [now, f.created, f.updated, f.deleted, f.apiCalls, f.progressDone, f.progressTotal, summary ? JSON.stringify(summary) : null, runId, owner],
    );
    return rows.length > 0;
  }

  async finishTask(
    runId: number,
    owner: number,
    o: { status: 'ok' | 'failed'; now: Date; durationMs: number; error?: string; figures: Figures; summary?: Record<string, unknown> },
  ): Promise<boolean> {
    const f = o.figures;
    const rows = await this.rows<{ id: number }>(
      `update sync_run set status = ?, finished_at = ?, duration_ms = ?, error = ?, created_count = ?, updated_count = ?, deleted_count = ?,
         api_calls = ?, progress_done = ?, progress_total = ?, summary = coalesce(?::jsonb, summary), heartbeat_at = ?
       where id = ? and owner = ? and status = 'running' returning id`,
      [o.status, o.now, o.durationMs, o.error ?? null, f.created, f.updated, f.deleted, f.apiCalls, f.progressDone, f.progressTotal, o.summary ? JSON.stringify(o.summary) : null, o.now, runId, owner],
    );
    return rows.length > 0;
  }

  /** Takes a one-off run away from its dead (or stuck) owner; true when this call did. */
  async releaseTask(row: TaskRunRow, now: Date, reason: string): Promise<boolean> {
    const durationMs = Math.max(0, Math.min(2_147_483_647, now.getTime() - new Date(row.started_at).getTime()));
    const rows = await this.rows<{ id: number }>(
      `update sync_run set status = 'failed', finished_at = ?, duration_ms = ?, error = ? where id = ? and status = 'running' and owner is not distinct from ? returning id`,
      [now, durationMs, reason, row.id, row.owner],
    );
    return rows.length > 0;
  }

  async pruneHistory(before: Date): Promise<number> {
    const rows = await this.rows<{ id: number }>(`delete from sync_run where started_at < ? and status <> 'running' returning id`, [before]);
    return rows.length;
  }
}
