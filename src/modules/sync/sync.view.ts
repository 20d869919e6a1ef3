import type { Page } from '../../common/pagination.js';
import type { SyncRun } from './sync-run.entity.js';
import type { DivisionStatus, StatusRow } from './sync.service.js';
import type { DivisionHealth, SyncStatus } from './sync.types.js';

/** View models of the Sync page and the dashboard card (templates never get entities). */

const STATUS_CLASS: Record<string, string> = { ok: 'badge-ok', failed: 'badge-err', running: 'badge-warn', queued: 'badge-warn', idle: '' };
const HEALTH_CLASS: Record<DivisionHealth | 'never_run', string> = { never_run: '', ok: 'badge-ok', needs_reconnect: 'badge-err', rate_limited: 'badge-warn', failing: 'badge-err' };

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return m >= 60 ? `${Math.floor(m / 60)} h ${m % 60} min` : `${m} min ${s} s`;
}

export function toStatusRowView(r: StatusRow) {
  const s = r.state;
  const status: SyncStatus = s?.status ?? 'idle';
  const total = s?.progressTotal ?? undefined;
  const done = s?.progressDone ?? 0;
  return {
    division: r.division,
    resource: r.resource,
    labelKey: r.labelKey,
    schedule: r.schedule,
    status,
    statusClass: STATUS_CLASS[status] ?? '',
    busy: status === 'running' || status === 'queued',
    running: status === 'running',
    lastStartedAt: s?.lastStartedAt,
    lastFinishedAt: s?.lastFinishedAt,
    lastOkAt: s?.lastOkAt,
    nextRunAt: r.nextRunAt,
    duration: formatDuration(s?.lastDurationMs),
    created: s?.createdCount ?? 0,
    updated: s?.updatedCount ?? 0,
    deleted: s?.deletedCount ?? 0,
    apiCalls: s?.apiCalls ?? 0,
    lastError: s?.lastError,
    lastErrorAt: s?.lastErrorAt,
    showError: !!s?.lastError && status !== 'ok',
    progressDone: done,
    progressTotal: total,
    progressPct: total ? Math.min(100, Math.round((done / total) * 100)) : undefined,
    stage: s?.stage,
  };
}

export function toDivisionView(d: DivisionStatus) {
  // "healthy" only after something ran: a division where nothing has finished yet says so
  const neverRun = d.effectiveHealth === 'ok' && d.rows.every((r) => !r.state?.lastFinishedAt);
  const health = neverRun ? 'never_run' : d.effectiveHealth;
  return {
    division: d.division,
    name: d.name,
    health,
    healthClass: HEALTH_CLASS[health],
    healthDetail: d.healthDetail,
    failedResources: d.failedResources,
    rows: d.rows.map(toStatusRowView),
  };
}

export function toRunView(r: SyncRun) {
  return {
    id: r.id,
    division: r.division,
    resource: r.resource,
    trigger: r.trigger,
    status: r.status,
    statusClass: STATUS_CLASS[r.status] ?? '',
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    duration: formatDuration(r.durationMs),
    created: r.createdCount,
    updated: r.updatedCount,
    deleted: r.deletedCount,
    apiCalls: r.apiCalls,
    error: r.error,
    attempt: r.attempt,
  };
}

export function toHistoryView(page: Page<SyncRun>) {
  return { ...page, items: page.items.map(toRunView) };
}
