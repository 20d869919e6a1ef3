import type { EntityContext } from '../entity.context.js';
import type { EntityDef } from '../entity.types.js';
import type { Row } from '../sandbox.types.js';
import { spec } from './planning.common.js';
import {
  ABSENCEREGISTRATIONTRANSACTION_FIELDS, ABSENCEREGISTRATION_FIELDS, EMPLOYEE_FIELDS, LEAVEABSENCEHOURSBYDAY_FIELDS, LEAVEREGISTRATION_FIELDS,
  SCHEDULEENTRY_FIELDS, SCHEDULE_FIELDS,
} from './planning.fields.js';

/**
 * Employees, schedules, leave and absence (API.md §7.12). These endpoints are read-only (GET) in Exact's API;
 * the control API changes them "as a user in Exact would" (planning.control.ts) and keeps the derived
 * LeaveAbsenceHoursByDay rows in step.
 */

export const SCHEDULE_TYPES: Record<number, string> = { 1: 'Uren en gemiddeld aantal dagen', 2: 'Uren en specifieke dagen', 3: 'Uren per dag', 4: 'Tijdsblokken per dag' };

const employees: EntityDef = {
  name: 'Employees', paths: ['payroll/Employees'], type: 'Employee', key: 'ID', keyType: 'guid', verbs: ['GET'],
  fields: spec(EMPLOYEE_FIELDS), sync: 'Payroll/Employees', deletedType: 42, module: 'Payroll',
};

const schedules: EntityDef = {
  name: 'Schedules', paths: ['hrm/Schedules'], type: 'Schedule', key: 'ID', keyType: 'guid', verbs: ['GET'],
  fields: spec(SCHEDULE_FIELDS), lines: { field: 'ScheduleEntries', entity: 'ScheduleEntries', fk: 'Schedule' },
  sync: 'HRM/Schedules', deletedType: 39, module: 'HRM',
};

const scheduleEntries: EntityDef = {
  name: 'ScheduleEntries', paths: ['hrm/ScheduleEntries'], type: 'ScheduleEntry', key: 'ID', keyType: 'guid', verbs: ['GET'],
  fields: { ID: 'guid', ...spec(SCHEDULEENTRY_FIELDS) }, sync: 'HRM/ScheduleEntries', deletedType: 40, module: 'HRM',
};

const leaveAbsenceHoursByDay: EntityDef = {
  name: 'LeaveAbsenceHoursByDay', paths: ['hrm/LeaveAbsenceHoursByDay'], type: 'LeaveAbsenceHoursByDay', key: 'ID', keyType: 'guid', verbs: ['GET'],
  fields: spec(LEAVEABSENCEHOURSBYDAY_FIELDS), sync: 'HRM/LeaveAbsenceHoursByDay', deletedType: 27, module: 'HRM',
};

const leaveRegistrations: EntityDef = {
  name: 'LeaveRegistrations', paths: ['hrm/LeaveRegistrations'], type: 'LeaveRegistration', key: 'ID', keyType: 'guid', verbs: ['GET'],
  fields: spec(LEAVEREGISTRATION_FIELDS), sync: 'HRM/LeaveRegistrations', module: 'HRM',
};

const absenceRegistrations: EntityDef = {
  name: 'AbsenceRegistrations', paths: ['hrm/AbsenceRegistrations'], type: 'AbsenceRegistration', key: 'ID', keyType: 'guid', verbs: ['GET'],
  fields: spec(ABSENCEREGISTRATION_FIELDS),
  lines: { field: 'AbsenceRegistrationTransactions', entity: 'AbsenceRegistrationTransactions', fk: 'AbsenceRegistration' },
  sync: 'HRM/AbsenceRegistrations', module: 'HRM',
};

const absenceRegistrationTransactions: EntityDef = {
  name: 'AbsenceRegistrationTransactions', paths: ['hrm/AbsenceRegistrationTransactions'], type: 'AbsenceRegistrationTransaction', key: 'ID', keyType: 'guid',
  verbs: ['GET'], fields: spec(ABSENCEREGISTRATIONTRANSACTION_FIELDS), sync: 'HRM/AbsenceRegistrationTransactions', module: 'HRM',
};

export const HR_ENTITIES: EntityDef[] = [
  employees, schedules, scheduleEntries, leaveAbsenceHoursByDay, leaveRegistrations, absenceRegistrations, absenceRegistrationTransactions,
];

// ---- schedule arithmetic -------------------------------------------------------------------

const DAY = 86_400_000;

/** 0 = Monday … 6 = Sunday (ScheduleEntries.Day) */
export function weekday(ms: number): number {
  return (new Date(ms).getUTCDay() + 6) % 7;
}

function hhmm(v: unknown): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(String(v ?? ''));
  return m ? Number(m[1]) + Number(m[2]) / 60 : 0;
}

/** the employee's schedule in force on a day (the main one first) */
export function scheduleOn(ctx: EntityContext, employee: unknown, day: number): Row | undefined {
  const list = ctx.filter('Schedules', (s) => s.Employee === employee && (s.StartDate as number) <= day && (!s.EndDate || (s.EndDate as number) >= day));
  return list.sort((a, b) => Number(b.Main) - Number(a.Main))[0];
}

/** scheduled working hours of an employee on a day, for all four schedule types */
export function scheduledHours(ctx: EntityContext, employee: unknown, day: number): number {
  const s = scheduleOn(ctx, employee, day);
  if (!s) return 0;
  const wd = weekday(day);
  const type = Number(s.ScheduleType);
  if (type === 1) {
    const days = Math.round(Number(s.Days ?? 5));
    return wd < days ? Math.round((Number(s.AverageHours ?? s.Hours ?? 0) / Math.max(1, days)) * 100) / 100 : 0;
  }
  const entries = ctx.filter('ScheduleEntries', (e) => e.Schedule === s.ID && Number(e.Day) === wd);
  if (type === 2) {
    const selected = ctx.filter('ScheduleEntries', (e) => e.Schedule === s.ID && Boolean(e.DayIsSelected)).length || 1;
    return entries.some((e) => e.DayIsSelected) ? Math.round((Number(s.Hours ?? 0) / selected) * 100) / 100 : 0;
  }
  if (type === 3) return entries.reduce((sum, e) => sum + hhmm(e.Hours), 0);
  return entries.reduce((sum, e) => sum + Math.max(0, hhmm(e.EndTime) - hhmm(e.StartTime) - (e.Break ? hhmm(e.BreakEndTime) - hhmm(e.BreakStartTime) : 0)), 0);
}

/**
 * Rebuilds the LeaveAbsenceHoursByDay rows of one leave (Type 0) or absence (Type 1) registration: one row per
 * scheduled working day; removed rows go to sync/Deleted (27). Rejected leave (Status 3) has no rows.
 */
export function rebuildDays(ctx: EntityContext, source: Row, type: 0 | 1, fire = true): void {
  for (const r of ctx.filter('LeaveAbsenceHoursByDay', (x) => x._source === source.ID)) ctx.remove('LeaveAbsenceHoursByDay', r.ID as string, fire);
  const status = type === 0 ? Number(source.Status) : 2;
  if (type === 0 && status === 3) return;
  const emp = ctx.get('Employees', source.Employee as string);
  const start = source.StartDate as number;
  const end = (type === 1 ? (source.EndDate ?? source.ExpectedEndDate) : source.EndDate) as number | null;
  const last = end ?? start + 55 * DAY;
  const days: number[] = [];
  for (let d = start; d <= last; d += DAY) if (scheduledHours(ctx, source.Employee, d) > 0) days.push(d);
  days.forEach((d, i) => {
    let hours = scheduledHours(ctx, source.Employee, d);
    if (i === 0 && source.HoursFirstDay !== null && source.HoursFirstDay !== undefined) hours = Math.min(hours, Number(source.HoursFirstDay));
    else if (i === days.length - 1 && i > 0 && source.HoursLastDay !== null && source.HoursLastDay !== undefined) hours = Math.min(hours, Number(source.HoursLastDay));
    ctx.insert('LeaveAbsenceHoursByDay', {
      _source: source.ID, Date: d, Employee: source.Employee, EmployeeFullName: emp?.FullName ?? null, EmployeeHID: emp?.HID ?? null,
      Employment: null, EmploymentHID: null, StartTime: d + 8 * 3_600_000, EndTime: d + (8 + hours) * 3_600_000, Hours: hours, Type: type,
      Status: status, ExternalIDInt: null, ExternalLeaveAbsenceType: null,
    }, fire);
  });
}
