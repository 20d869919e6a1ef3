import type { EntityManager } from '@mikro-orm/postgresql';
import type { ExactLeaveDay, ExactSchedule, ExactScheduleEntry } from '../../exact/planning.resources.js';
import type { WeekHours } from './plan-resource.entity.js';
import { masterRows, upsertMaster, type WriteCounts } from './planning-store.js';

/**
 * Schedules, leave and absence from Exact (option Schedule): an Exact schedule becomes hours per weekday on its
 * employee's resource (all four schedule types, as Exact computes them), each day of leave or absence a row.
 * Read-only in Koppel; the board takes capacity from here when the option is on.
 */

const hhmm = (v: unknown): number => {
  const m = /^(\d{1,2}):(\d{2})/.exec(String(v ?? ''));
  return m ? Number(m[1]) + Number(m[2]) / 60 : 0;
};
const round = (n: number) => Math.round(n * 100) / 100;
const day = (d: Date | null | undefined) => (d instanceof Date && !Number.isNaN(d.getTime()) ? d.toISOString().slice(0, 10) : null);

/** Hours per weekday (Monday first) of a schedule, from its type and entries (a multi-week rhythm: the average week). */
export function weekHoursOf(s: ExactSchedule, entries: ExactScheduleEntry[]): WeekHours {
  const type = Number(s.ScheduleType ?? 1);
  const out = [0, 0, 0, 0, 0, 0, 0];
  if (type === 1) {
    const days = Math.max(1, Math.min(7, Math.round(Number(s.Days ?? 5))));
    const perDay = round(Number(s.AverageHours ?? s.Hours ?? 0) / days);
    for (let d = 0; d < days; d++) out[d] = perDay;
    return out;
  }
  const weeks = Math.max(1, new Set(entries.map((e) => Number(e.WeekNumber ?? 1))).size);
  if (type === 2) {
    const selected = entries.filter((e) => e.DayIsSelected);
    const perDay = selected.length ? Number(s.Hours ?? 0) / (selected.length / weeks) : 0;
    for (const e of selected) out[Number(e.Day ?? 0) % 7] += perDay / weeks;
    return out.map(round);
  }
  for (const e of entries) {
    const h = type === 3 ? hhmm(e.Hours) : Math.max(0, hhmm(e.EndTime) - hhmm(e.StartTime) - (e.Break ? hhmm(e.BreakEndTime) - hhmm(e.BreakStartTime) : 0));
    out[Number(e.Day ?? 0) % 7] += h / weeks;
  }
  return out.map(round);
}

async function resourceIds(em: EntityManager, division: number, employees: string[]): Promise<Map<string, number>> {
  if (!employees.length) return new Map();
  const rows = await em.execute<{ id: number; exact_id: string }[]>(
    `select id, exact_id from plan_resource where division = ? and kind = 'employee' and exact_id in (select jsonb_array_elements_text(?::jsonb))`,
    [division, JSON.stringify([...new Set(employees)])],
  );
  return new Map(rows.map((r) => [r.exact_id, Number(r.id)]));
}

/** Rebuilds the schedule rows of these Exact schedules from what is stored of their headers and entries. */
export async function rebuildSchedules(em: EntityManager, division: number, scheduleIds: string[]): Promise<number> {
  if (!scheduleIds.length) return 0;
  const headers = await masterRows(em, division, 'schedule', scheduleIds);
  const entryRows = await em.execute<{ data: ExactScheduleEntry & { Schedule: string } }[]>(
    `select data from plan_master where division = ? and kind = 'sched_day' and data->>'Schedule' in (select jsonb_array_elements_text(?::jsonb))`,
    [division, JSON.stringify(scheduleIds)],
  );
  const entries = new Map<string, ExactScheduleEntry[]>();
  for (const r of entryRows) entries.set(r.data.Schedule, [...(entries.get(r.data.Schedule) ?? []), r.data]);
  const schedules = [...headers.values()].map((h) => h.data as unknown as ExactSchedule & { from: string; to: string | null });
  const resources = await resourceIds(em, division, schedules.map((s) => String(s.Employee ?? '')));
  const rows = schedules
    .filter((s) => resources.has(String(s.Employee ?? '')) && s.from)
    .map((s) => ({
      resource_id: resources.get(String(s.Employee))!, exact_id: s.ID, from_date: s.from, to_date: s.to ?? null, main: Number(s.Main ?? 1) === 1,
      schedule_type: Number(s.ScheduleType ?? 1), hours: Number(s.Hours ?? s.AverageHours ?? 0), week_hours: weekHoursOf(s, entries.get(s.ID) ?? []),
    }));
  if (!rows.length) return 0;
  await em.execute(
    `insert into resource_schedule_entry (resource_id, division, exact_id, from_date, to_date, main, schedule_type, hours, week_hours)
     select x.resource_id, ?, x.exact_id, x.from_date, x.to_date, x.main, x.schedule_type, x.hours, x.week_hours
       from jsonb_to_recordset(?::jsonb) as x(resource_id int, exact_id text, from_date date, to_date date, main boolean, schedule_type int, hours numeric, week_hours jsonb)
     on conflict (division, exact_id) do update set resource_id = excluded.resource_id, from_date = excluded.from_date, to_date = excluded.to_date,
            main = excluded.main, schedule_type = excluded.schedule_type, hours = excluded.hours, week_hours = excluded.week_hours, updated_at = now()`,
    [division, JSON.stringify(rows)],
  );
  return rows.length;
}

export async function applySchedules(em: EntityManager, division: number, rows: ExactSchedule[]): Promise<WriteCounts> {
  await upsertMaster(em, division, 'schedule', rows.map((r) => ({
    exactId: r.ID.toLowerCase(), code: null, name: null, exactTimestamp: r.Timestamp ? String(r.Timestamp) : null,
    data: { ...r, ID: r.ID.toLowerCase(), Employee: r.Employee?.toLowerCase() ?? null, from: day(r.StartDate), to: day(r.EndDate), Timestamp: null, StartDate: null, EndDate: null },
  })));
  const n = await rebuildSchedules(em, division, rows.map((r) => r.ID.toLowerCase()));
  return { created: 0, updated: n, archived: 0 };
}

export async function applyScheduleEntries(em: EntityManager, division: number, rows: ExactScheduleEntry[]): Promise<WriteCounts> {
  await upsertMaster(em, division, 'sched_day', rows.map((r) => ({
    exactId: r.ID.toLowerCase(), exactTimestamp: r.Timestamp ? String(r.Timestamp) : null,
    data: { ...r, ID: r.ID.toLowerCase(), Schedule: r.Schedule?.toLowerCase() ?? null, Timestamp: null },
  })));
  const n = await rebuildSchedules(em, division, [...new Set(rows.map((r) => r.Schedule?.toLowerCase()).filter((s): s is string => !!s))]);
  return { created: 0, updated: n, archived: 0 };
}

export async function deleteSchedules(em: EntityManager, division: number, ids: string[]): Promise<number> {
  await em.execute(`delete from plan_master where division = ? and kind = 'schedule' and exact_id in (select jsonb_array_elements_text(?::jsonb))`, [division, JSON.stringify(ids)]);
  const rows = await em.execute(`delete from resource_schedule_entry where division = ? and exact_id in (select jsonb_array_elements_text(?::jsonb)) returning id`, [division, JSON.stringify(ids)]);
  return rows.length;
}

export async function deleteScheduleEntries(em: EntityManager, division: number, ids: string[]): Promise<number> {
  const gone = await em.execute<{ schedule: string | null }[]>(
    `delete from plan_master where division = ? and kind = 'sched_day' and exact_id in (select jsonb_array_elements_text(?::jsonb)) returning data->>'Schedule' as schedule`,
    [division, JSON.stringify(ids)],
  );
  await rebuildSchedules(em, division, [...new Set(gone.map((g) => g.schedule).filter((s): s is string => !!s))]);
  return gone.length;
}

export async function applyLeave(em: EntityManager, division: number, rows: ExactLeaveDay[]): Promise<WriteCounts> {
  const resources = await resourceIds(em, division, rows.map((r) => r.Employee?.toLowerCase() ?? ''));
  const out = rows
    .filter((r) => resources.has(r.Employee?.toLowerCase() ?? '') && day(r.Date))
    .map((r) => ({
      resource_id: resources.get(r.Employee!.toLowerCase())!, exact_id: r.ID.toLowerCase(), date: day(r.Date), hours: Number(r.Hours ?? 0),
      kind: Number(r.Type) === 1 ? 'absence' : 'leave', status: Number(r.Status) === 1 ? 'submitted' : 'approved',
    }));
  if (!out.length) return { created: 0, updated: 0, archived: 0 };
  const res = await em.execute<{ inserted: boolean }[]>(
    `insert into resource_leave (resource_id, division, exact_id, date, hours, kind, status)
     select x.resource_id, ?, x.exact_id, x.date, x.hours, x.kind, x.status
       from jsonb_to_recordset(?::jsonb) as x(resource_id int, exact_id text, date date, hours numeric, kind text, status text)
     on conflict (division, exact_id) do update set resource_id = excluded.resource_id, date = excluded.date, hours = excluded.hours,
            kind = excluded.kind, status = excluded.status, updated_at = now()
     returning (xmax = 0) as inserted`,
    [division, JSON.stringify(out)],
  );
  const created = res.filter((r) => r.inserted).length;
  return { created, updated: res.length - created, archived: 0 };
}

export async function deleteLeave(em: EntityManager, division: number, ids: string[]): Promise<number> {
  const rows = await em.execute(`delete from resource_leave where division = ? and exact_id in (select jsonb_array_elements_text(?::jsonb)) returning id`, [division, JSON.stringify(ids)]);
  return rows.length;
}
