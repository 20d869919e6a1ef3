import { describe, expect, it } from '@jest/globals';
import { toDivisionView } from './sync.view.js';
import type { DivisionStatus } from './sync.service.js';
import type { SyncState } from './sync-state.entity.js';

const division = (rows: DivisionStatus['rows'], health: DivisionStatus['effectiveHealth'] = 'ok'): DivisionStatus => ({
  division: 101, name: 'Test B.V.', health, effectiveHealth: health, failedResources: [], rows,
});
const row = (state?: Partial<SyncState>) => ({ division: 101, resource: 'payments', schedule: '15min' as const, state: state as SyncState | undefined });

describe('division health on the sync page and dashboard', () => {
  it('says "never run" for a division where nothing has finished yet, not "healthy"', () => {
    expect(toDivisionView(division([row(), row({ status: 'queued' })])).health).toBe('never_run');
    expect(toDivisionView(division([])).health).toBe('never_run');
  });

  it('is healthy once something ran, and keeps a real problem over "never run"', () => {
    expect(toDivisionView(division([row({ status: 'ok', lastFinishedAt: new Date() }), row()])).health).toBe('ok');
    expect(toDivisionView(division([row()], 'needs_reconnect')).health).toBe('needs_reconnect');
  });
});
