import { describe, expect, it } from '@jest/globals';
import { PRIORITY, priorityOf, SYNC_TRIGGERS, singletonKey } from './sync.types.js';
import { SyncLease } from './sync.lease.js';

describe('sync job priorities', () => {
  it('put work a person started before webhooks, and both before recovery and the schedule', () => {
    for (const t of ['user', 'manual', 'import', 'location'] as const) expect(priorityOf(t)).toBe(PRIORITY.person);
    expect(priorityOf('webhook')).toBeLessThan(PRIORITY.person);
    expect(priorityOf('recovery')).toBeLessThan(priorityOf('webhook'));
    expect(priorityOf('schedule')).toBeLessThan(priorityOf('recovery'));
    expect(SYNC_TRIGGERS.every((t) => Number.isInteger(priorityOf(t)))).toBe(true);
  });

  it('give one-off jobs a key of their own beside the division × resource key', () => {
    expect(singletonKey('customers', 7)).toBe('customers:7');
    expect(singletonKey('invoice-export-run', 0, '12')).toBe('invoice-export-run:0:12');
  });
});

describe('lease owner texts', () => {
  it('name the lease id; anything else (an older host/pid claim) names none', () => {
    expect(SyncLease.idOf('lease:123/run:5')).toBe(123);
    expect(SyncLease.idOf('lease:2147483646/webhooks:ab12cd')).toBe(2147483646);
    expect(SyncLease.idOf('myhost/4242/run:5')).toBeUndefined();
    expect(SyncLease.idOf('myhost:4242:ab12cd')).toBeUndefined();
    expect(SyncLease.idOf(null)).toBeUndefined();
  });
});
