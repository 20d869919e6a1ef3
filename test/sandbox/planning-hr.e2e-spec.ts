import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DIV2, json, startTestSandbox, type TestSandbox } from './sandbox.helper.js';
import { NO_GUID, rows } from './planning.helper.js';

const DAY = 86_400_000;
const ms = (v: string) => Number(/-?\d+/.exec(v)![0]);

// API.md §7.12: employees, schedules (four types), leave, absence and LeaveAbsenceHoursByDay
describe('sandbox planning: HR', () => {
  let t: TestSandbox;
  let tok: string;
  let today: number;
  beforeAll(async () => {
    t = await startTestSandbox();
    tok = (await t.connect()).access_token;
    const clock = await t.control<{ now: number }>('GET', 'clock');
    today = clock.now - (clock.now % DAY);
  });
  afterAll(async () => { await t.close(); });
  async function get(p: string) { return json(await t.api(p, tok)); }

  it('every employee has a schedule; all four schedule types are present with their entries', async () => {
    const emps = rows(await get(`${DIV2}/payroll/Employees?$filter=IsActive eq true&$select=ID,FullName,HID`));
    expect(emps.length).toBeGreaterThanOrEqual(10);
    const sch = rows(await get(`${DIV2}/hrm/Schedules?$filter=Main eq 1&$select=Employee,ScheduleType,Hours,Days&$expand=ScheduleEntries`));
    expect(new Set(sch.map((s) => s.ScheduleType))).toEqual(new Set([1, 2, 3, 4]));
    expect(new Set(sch.map((s) => s.Employee))).toEqual(new Set(emps.map((e) => e.ID)));
  });

  it('leave and absence lie in the coming eight weeks and are spread per scheduled day', async () => {
    const leave = rows(await get(`${DIV2}/hrm/LeaveRegistrations?$filter=ID ne ${NO_GUID}`));
    expect(new Set(leave.map((l) => l.Status))).toEqual(new Set([1, 2, 3]));
    for (const l of leave) {
      expect(ms(l.StartDate)).toBeGreaterThan(today);
      expect(ms(l.StartDate)).toBeLessThan(today + 56 * DAY);
    }
    const days = rows(await get(`${DIV2}/hrm/LeaveAbsenceHoursByDay?$filter=ID ne ${NO_GUID}&$inlinecount=allpages`));
    expect(days.length).toBeGreaterThan(10);
    expect(new Set(days.map((d) => d.Type))).toEqual(new Set([0, 1]));
    // no rows on weekends (no schedule has weekend entries) and none for rejected leave
    for (const d of days) expect([0, 6]).not.toContain(new Date(ms(d.Date)).getUTCDay());
    const rejected = leave.filter((l) => l.Status === 3);
    for (const r of rejected) {
      const own = rows(await get(`${DIV2}/hrm/LeaveAbsenceHoursByDay?$filter=Employee eq guid'${r.Employee}' and Type eq 0 and Date ge datetime'${new Date(ms(r.StartDate)).toISOString().slice(0, 19)}' and Date le datetime'${new Date(ms(r.EndDate)).toISOString().slice(0, 19)}'`));
      expect(own).toHaveLength(0);
    }
    const absence = rows(await get(`${DIV2}/hrm/AbsenceRegistrations?$filter=ID ne ${NO_GUID}&$expand=AbsenceRegistrationTransactions`));
    expect(absence.length).toBe(3);
    expect(absence.every((a) => a.AbsenceRegistrationTransactions.results.length === 1)).toBe(true);
  });

  it('approving leave through the control API rebuilds its days: new rows in sync, old ones in sync/Deleted (27)', async () => {
    const pending = rows(await get(`${DIV2}/hrm/LeaveRegistrations?$filter=Status eq 1`))[0];
    const maxTs = (await get(`${DIV2}/sync/HRM/LeaveAbsenceHoursByDay?$filter=Timestamp gt 1L&$select=Timestamp`));
    const max = rows(maxTs).map((r) => BigInt(r.Timestamp)).reduce((a, b) => (b > a ? b : a), 0n);
    const before = rows(await get(`${DIV2}/hrm/LeaveAbsenceHoursByDay?$filter=Employee eq guid'${pending.Employee}' and Type eq 0 and Status eq 1`));
    expect(before.length).toBeGreaterThan(0);
    const out = await t.control<{ Status: number }>('POST', 'planning/LeaveRegistrations', { division: DIV2, ID: pending.ID, action: 'approve' });
    expect(out.Status).toBe(2);
    const changed = rows(await get(`${DIV2}/sync/HRM/LeaveAbsenceHoursByDay?$filter=Timestamp gt ${max}L`));
    expect(changed.length).toBe(before.length);
    expect(changed.every((c) => c.Status === 2 && c.Employee === pending.Employee)).toBe(true);
    const deleted = rows(await get(`${DIV2}/sync/Deleted?$filter=Timestamp gt ${max}L`));
    expect(deleted.filter((d) => d.EntityType === 27).map((d) => d.EntityKey).sort()).toEqual(before.map((b) => b.ID).sort());
    const reg = rows(await get(`${DIV2}/sync/HRM/LeaveRegistrations?$filter=Timestamp gt ${max}L`));
    expect(reg.map((r) => r.ID)).toEqual([pending.ID]);
  });
});
