/**
 * Capacity per resource and day, as pure functions (no I/O): what a resource can work (the Exact schedule when the
 * Schedule option is on, otherwise the hours per weekday kept in Koppel), minus leave and absence, against the hours
 * booked by planned activities. Everything is counted in whole minutes, so sums never drift.
 */
import { memoize } from '../../common/memo.js';

/** A calendar day, `YYYY-MM-DD`. */
export type IsoDate = string;

/** Minutes per weekday, Monday first (index 0 = Monday … 6 = Sunday). */
export type WeekMinutes = readonly [number, number, number, number, number, number, number];

/** A schedule valid from `from` up to and including `to` (open-ended when null). */
export interface DatedSchedule {
  from: IsoDate | null;
  to: IsoDate | null;
  week: WeekMinutes;
}

/** One day (or part of a day) a resource cannot work. Submitted (not yet approved) leave only warns. */
export interface LeaveDay {
  date: IsoDate;
  minutes: number;
  kind: 'leave' | 'absence';
  approved: boolean;
}

/** Hours planned on a resource from `start` to `end` (both inclusive). */
export interface Booking {
  start: IsoDate;
  end: IsoDate;
  minutes: number;
}

export interface CapacitySource {
  /** true when Exact is leading for schedules (the Schedule option is on) */
  scheduleFromExact: boolean;
  /** the resource's schedules from Exact (used when scheduleFromExact) */
  exactSchedules: readonly DatedSchedule[];
  /** the hours per weekday kept in Koppel (used otherwise; null = none kept → the default week) */
  koppelWeek: WeekMinutes | null;
  leave: readonly LeaveDay[];
  bookings: readonly Booking[];
}

export interface DayCapacity {
  date: IsoDate;
  /** what the schedule says for the day */
  scheduled: number;
  /** approved leave and absence, never more than scheduled */
  leave: number;
  absence: number;
  /** scheduled minus leave and absence */
  available: number;
  booked: number;
  /** available minus booked (negative when overbooked) */
  free: number;
  overbooked: boolean;
  /** any leave or absence that day (approved or only submitted): planning onto it warns first */
  onLeave: boolean;
  /** the whole day is gone to leave or absence */
  fullDayOff: boolean;
}

/** 8 hours Monday to Friday: the week a resource has until someone keeps its hours. */
export const DEFAULT_WEEK: WeekMinutes = [480, 480, 480, 480, 480, 0, 0];

const DAY_MS = 86_400_000;

/** Day ↔ time, remembered: a board page converts the same few dozen days thousands of times. */
const toUtc = memoize((date: IsoDate): number => {
  const [y, m, d] = date.split('-').map(Number);
  return Date.UTC(y, m - 1, d);
});

const fromUtc = memoize((ms: number): IsoDate => new Date(ms).toISOString().slice(0, 10));

export function isIsoDate(v: unknown): v is IsoDate {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  return fromUtc(toUtc(v)) === v;
}

export function addDays(date: IsoDate, n: number): IsoDate {
  return fromUtc(toUtc(date) + n * DAY_MS);
}

/** 0 = Monday … 6 = Sunday */
export function weekday(date: IsoDate): number {
  return (new Date(toUtc(date)).getUTCDay() + 6) % 7;
}

export function mondayOf(date: IsoDate): IsoDate {
  return addDays(date, -weekday(date));
}

/** Days from `from` up to and including `to`. */
export function daysBetween(from: IsoDate, to: IsoDate): IsoDate[] {
  const out: IsoDate[] = [];
  for (let t = toUtc(from), end = toUtc(to); t <= end; t += DAY_MS) out.push(fromUtc(t));
  return out;
}

export function dayCount(from: IsoDate, to: IsoDate): number {
  return Math.round((toUtc(to) - toUtc(from)) / DAY_MS) + 1;
}

/** ISO 8601 week number (the "week 49" planners talk in). */
export function isoWeek(date: IsoDate): number {
  const thursday = toUtc(addDays(date, 3 - weekday(date)));
  const jan1 = Date.UTC(new Date(thursday).getUTCFullYear(), 0, 1);
  return Math.floor((thursday - jan1) / DAY_MS / 7) + 1;
}

/** Hours (a decimal number or text such as "7,5") to whole minutes; undefined when it is no number ≥ 0. */
export function hoursToMinutes(hours: number | string | null | undefined): number | undefined {
  if (hours === null || hours === undefined || hours === '') return undefined;
  const n = typeof hours === 'number' ? hours : Number(String(hours).trim().replace(',', '.'));
  if (!Number.isFinite(n) || n < 0) return undefined;
  return Math.round(n * 60);
}

/** Minutes as hours for people: 450 → "7.5", 480 → "8", 20 → "0.33". */
export function minutesToHours(minutes: number): string {
  const h = Math.round((minutes / 60) * 100) / 100;
  return String(h);
}

/**
 * Exact's schedule types 1 and 2 give hours per week and a number of days: the hours are spread evenly over the
 * first `days` weekdays, Monday first (type 3/4 schedules carry their own entries per weekday).
 */
export function weekFromHoursAndDays(hoursPerWeek: number, days: number): WeekMinutes {
  const total = Math.round(hoursPerWeek * 60);
  const n = Math.max(0, Math.min(7, Math.round(days)));
  const week = [0, 0, 0, 0, 0, 0, 0];
  if (n === 0 || total <= 0) return week as unknown as WeekMinutes;
  const base = Math.floor(total / n);
  for (let i = 0; i < n; i++) week[i] = base + (i < total - base * n ? 1 : 0);
  return week as unknown as WeekMinutes;
}

/** What the schedule gives on one day. With Exact leading, a day no schedule covers has no capacity. */
export function scheduledMinutes(src: Pick<CapacitySource, 'scheduleFromExact' | 'exactSchedules' | 'koppelWeek'>, date: IsoDate): number {
  const wd = weekday(date);
  if (!src.scheduleFromExact) return (src.koppelWeek ?? DEFAULT_WEEK)[wd];
  // the latest-starting schedule that covers the day wins (a new contract replaces the old one)
  let best: DatedSchedule | undefined;
  for (const s of src.exactSchedules) {
    if ((s.from && s.from > date) || (s.to && s.to < date)) continue;
    if (!best || (s.from ?? '') > (best.from ?? '')) best = s;
  }
  return best ? best.week[wd] : 0;
}

/**
 * Spreads a booking's minutes over its days in proportion to what the resource can work on each (so a Monday-to-
 * Friday job does not load the weekend); when it has no capacity in the whole range, evenly over the days.
 * The remainder of the integer division goes to the first days, so the parts always add up to the whole.
 */
export function spreadBooking(booking: Booking, weightOf: (date: IsoDate) => number): Map<IsoDate, number> {
  const start = booking.start <= booking.end ? booking.start : booking.end;
  const end = booking.start <= booking.end ? booking.end : booking.start;
  const days = daysBetween(start, end);
  let weights = days.map((d) => Math.max(0, weightOf(d)));
  let total = weights.reduce((a, b) => a + b, 0);
  if (total === 0) {
    weights = days.map(() => 1);
    total = days.length;
  }
  const out = new Map<IsoDate, number>();
  let given = 0;
  const parts = days.map((d, i) => {
    const exact = (booking.minutes * weights[i]) / total;
    const floor = Math.floor(exact);
    given += floor;
    return { d, floor, rest: exact - floor, i };
  });
  let left = booking.minutes - given;
  for (const p of [...parts].sort((a, b) => b.rest - a.rest || a.i - b.i)) {
    if (left <= 0) break;
    if (p.rest === 0 && weights[p.i] === 0) continue;
    p.floor += 1;
    left -= 1;
  }
  for (const p of parts) if (p.floor) out.set(p.d, p.floor);
  return out;
}

/** Capacity of one resource for each of `days`. */
export function capacityForDays(src: CapacitySource, days: readonly IsoDate[]): DayCapacity[] {
  const leaveByDay = new Map<IsoDate, LeaveDay[]>();
  for (const l of src.leave) leaveByDay.set(l.date, [...(leaveByDay.get(l.date) ?? []), l]);
  const scheduled = (d: IsoDate) => scheduledMinutes(src, d);
  const availableOn = (d: IsoDate) => {
    const s = scheduled(d);
    const off = (leaveByDay.get(d) ?? []).filter((l) => l.approved).reduce((a, l) => a + l.minutes, 0);
    return Math.max(0, s - off);
  };
  const wanted = new Set(days);
  const booked = new Map<IsoDate, number>();
  for (const b of src.bookings) {
    if (b.minutes <= 0) continue;
    // only bookings that touch the days asked for; the spread still runs over the booking's whole range
    const lo = b.start <= b.end ? b.start : b.end;
    const hi = b.start <= b.end ? b.end : b.start;
    if (days.length && (hi < days[0] || lo > days[days.length - 1])) continue;
    for (const [d, m] of spreadBooking(b, availableOn)) if (wanted.has(d)) booked.set(d, (booked.get(d) ?? 0) + m);
  }
  return days.map((date) => {
    const s = scheduled(date);
    const entries = leaveByDay.get(date) ?? [];
    let leave = 0;
    let absence = 0;
    for (const l of entries) if (l.approved) (l.kind === 'leave' ? (leave += l.minutes) : (absence += l.minutes));
    // leave can never take more than the day had
    leave = Math.min(leave, s);
    absence = Math.min(absence, s - leave);
    const available = s - leave - absence;
    const b = booked.get(date) ?? 0;
    return {
      date, scheduled: s, leave, absence, available, booked: b, free: available - b,
      overbooked: b > available,
      onLeave: entries.some((l) => l.minutes > 0),
      fullDayOff: s > 0 && available === 0 && leave + absence > 0,
    };
  });
}

/** The days of a move onto a resource that fall on leave or absence (planning there warns first). */
export function leaveDaysIn(capacity: readonly DayCapacity[], start: IsoDate, end: IsoDate): IsoDate[] {
  return capacity.filter((c) => c.onLeave && c.date >= start && c.date <= end).map((c) => c.date);
}
