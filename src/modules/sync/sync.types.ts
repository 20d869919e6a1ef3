import type { EntityManager } from '@mikro-orm/postgresql';

/** When a resource runs: the frequent trigger (SYNC_CRON, default every 15 minutes) or the nightly one (NIGHTLY_CRON). */
export type SyncSchedule = '15min' | 'nightly';
export const SYNC_SCHEDULES: readonly SyncSchedule[] = ['15min', 'nightly'];

/**
 * What started a run (shown in the sync history): 'user' = a person on a screen (exports, imports);
 * 'location' = saving a location's Exact administration; 'manual' / 'import' = the older names of work a
 * person started (still accepted); 'webhook' = a notification from Exact; 'recovery' = the sweeper.
 */
export type SyncTrigger = 'schedule' | 'user' | 'manual' | 'import' | 'recovery' | 'webhook' | 'location';
export const SYNC_TRIGGERS: readonly SyncTrigger[] = ['schedule', 'user', 'manual', 'import', 'recovery', 'webhook', 'location'];

/**
 * pg-boss priority per trigger (higher goes first): work a person started goes before webhooks, and both
 * before scheduled work — an import started from a screen never waits behind the queued nightly jobs.
 */
export const PRIORITY = { person: 20, webhook: 10, recovery: 5, schedule: 0 } as const;
export function priorityOf(trigger: SyncTrigger): number {
  switch (trigger) {
    case 'schedule':
      return PRIORITY.schedule;
    case 'recovery':
      return PRIORITY.recovery;
    case 'webhook':
      return PRIORITY.webhook;
    default:
      return PRIORITY.person;
  }
}

/** Status of one division × resource (sync_state.status). */
export type SyncStatus = 'idle' | 'queued' | 'running' | 'failed' | 'ok';
export const SYNC_STATUSES: readonly SyncStatus[] = ['idle', 'queued', 'running', 'failed', 'ok'];

/** Status of one run (sync_run.status). */
export type SyncRunStatus = 'running' | 'ok' | 'failed';
export const SYNC_RUN_STATUSES: readonly SyncRunStatus[] = ['running', 'ok', 'failed'];

export interface SyncCounts {
  created?: number;
  updated?: number;
  deleted?: number;
  apiCalls?: number;
}

/** What a resource's run() gets: where it is, where it left off, and how to report. */
export interface SyncContext {
  readonly division: number;
  readonly resource: string;
  readonly trigger: SyncTrigger;
  /** The stored cursor (e.g. an Exact Timestamp as a string); undefined on the very first run. */
  readonly cursor: string | undefined;
  /** The stored stage (free text the resource chooses, e.g. 'initial' / 'incremental'). */
  readonly stage: string | undefined;
  /** Aborted when the process shuts down or the job is taken away; stop at the next safe point. */
  readonly signal: AbortSignal;
  /** A MikroORM EntityManager of its own for this run (forked; one unit of work per job). */
  readonly em: EntityManager;
  /**
   * Persists the cursor (and stage) at once, so a crash resumes from here. Pass `{ em }` of a
   * transaction to move the cursor in the same transaction as the records it covers.
   */
  saveCursor(cursor: string, stage?: string, opts?: { em?: EntityManager }): Promise<void>;
  /** Progress shown on the Sync page; total is optional (unknown up front). */
  progress(done: number, total?: number): Promise<void>;
  /** Adds to the run's figures (records created/updated/deleted, Exact API calls used). */
  count(counts: SyncCounts): void;
  /** Waits until the Exact client's per-division budget allows a background batch. Call before each batch. */
  waitForBudget(): Promise<void>;
}

/** A sync resource other modules register at start-up (SyncRegistry.register). */
export interface SyncResourceDefinition {
  /** Unique, stable name; part of the job's singleton key `${name}:${division}`. [a-z0-9-] */
  name: string;
  schedule: SyncSchedule;
  /** i18n key of a human label; defaults to the name. */
  labelKey?: string;
  run(ctx: SyncContext): Promise<void>;
}

export type DivisionHealth = 'ok' | 'needs_reconnect' | 'rate_limited' | 'failing';

export interface SyncDivision {
  division: number;
  /** Human name (Exact's division name or our location names). */
  name?: string;
  health: DivisionHealth;
  /** Optional detail shown next to the health (e.g. Exact's own error text). */
  healthDetail?: string;
}

/**
 * Where the divisions to sync come from. The Exact connection module implements it (active connected
 * divisions with their health); the default reads the distinct `exactDivision` of the locations.
 */
export interface SyncDivisionSource {
  listDivisions(): Promise<SyncDivision[]>;
}
export const SYNC_DIVISION_SOURCE = Symbol('SYNC_DIVISION_SOURCE');

/** The per-division API budget of the Exact client. Background jobs wait for it before each batch. */
export interface ApiBudget {
  waitForBudget(division: number, kind: 'background' | 'interactive', signal?: AbortSignal): Promise<void>;
}
export const API_BUDGET = Symbol('API_BUDGET');

/**
 * A one-off job (an export run, a customer export): runs once per key with a payload, without a cursor or a
 * per-division state; its run row in sync_run (status, progress, summary, owner) is where its progress lives.
 */
export interface SyncTaskContext {
  readonly resource: string;
  readonly division: number;
  readonly trigger: SyncTrigger;
  /** The job's key (e.g. the export run's id). */
  readonly key: string;
  /** What the job was asked to do (filters, ids), as given to SyncService.submit. */
  readonly payload: Record<string, unknown>;
  /** Aborted when the process shuts down or the run is taken away; stop at the next safe point. */
  readonly signal: AbortSignal;
  readonly em: EntityManager;
  /** Progress and the running summary, stored on the run row at once. */
  progress(done: number, total?: number, summary?: Record<string, unknown>): Promise<void>;
  count(counts: SyncCounts): void;
}

/** A one-off job kind other modules register (SyncRegistry.registerTask). */
export interface SyncTaskDefinition {
  /** Unique, stable name ([a-z0-9-]); not shown as a resource row on the Sync page. */
  name: string;
  labelKey?: string;
  /**
   * A key runs once: a job of a key whose run already ended (ok or failed) ends without running. A repeatable kind
   * (e.g. "check the subscriptions now", always the same key) runs again for every new job.
   */
  repeatable?: boolean;
  run(ctx: SyncTaskContext): Promise<Record<string, unknown> | void>;
  /** Called once when a run of this kind was found dead (its process stopped) or given up: mark its own record. */
  interrupted?(key: string, payload: Record<string, unknown>, reason: string): Promise<void>;
}

/** The state of a one-off job as the engine knows it. */
export type SyncTaskState = 'queued' | 'running' | 'ok' | 'failed' | 'gone';

/** The pg-boss payload of one sync job. */
export interface SyncJobData {
  division: number;
  resource: string;
  trigger: SyncTrigger;
  /** One-off jobs only: their key and payload. */
  key?: string;
  payload?: Record<string, unknown>;
}

export const singletonKey = (resource: string, division: number, key?: string) => (key === undefined ? `${resource}:${division}` : `${resource}:${division}:${key}`);
