import { describe, expect, it } from '@jest/globals';
import {
  addDays, capacityForDays, daysBetween, DEFAULT_WEEK, hoursToMinutes, isIsoDate, isoWeek, leaveDaysIn, minutesToHours,
  mondayOf, scheduledMinutes, spreadBooking, weekday, weekFromHoursAndDays, type CapacitySource, type WeekMinutes,
} from './capacity.js';

// Monday 7 December 2026 … Sunday 13 December 2026
const WEEK = daysBetween('2026-12-07', '2026-12-13');
const base = (over: Partial<CapacitySource> = {}): CapacitySource => ({
  scheduleFromExact: false, exactSchedules: [], koppelWeek: null, leave: [], bookings: [], ...over,
});
const byDate = (src: CapacitySource, days = WEEK) => Object.fromEntries(capacityForDays(src, days).map((c) => [c.date, c]));

describe('dates', () => {
  it('knows weekdays, Mondays, ISO weeks and real dates', () => {
    expect(weekday('2026-12-07')).toBe(0);
    expect(weekday('2026-12-13')).toBe(6);
    expect(mondayOf('2026-12-10')).toBe('2026-12-07');
    expect(mondayOf('2026-12-07')).toBe('2026-12-07');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-28', 2)).toBe('2026-03-30'); // across the DST change: calendar days, not 24 h
    expect(isoWeek('2026-12-07')).toBe(50);
    expect(isoWeek('2027-01-01')).toBe(53); // Friday 1 Jan 2027 belongs to week 53 of 2026
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('2028-02-29')).toBe(true);
    expect(isIsoDate('7-12-2026')).toBe(false);
    expect(daysBetween('2026-12-07', '2026-12-07')).toEqual(['2026-12-07']);
  });

  it('reads hours the way people type them', () => {
    expect(hoursToMinutes('7,5')).toBe(450);
    expect(hoursToMinutes(1 / 3)).toBe(20);
    expect(hoursToMinutes('-1')).toBeUndefined();
    expect(hoursToMinutes('acht')).toBeUndefined();
    expect(minutesToHours(450)).toBe('7.5');
    expect(minutesToHours(20)).toBe('0.33');
  });
});

describe('schedule', () => {
  it('uses the Koppel week when Schedule is off, the default week when none is kept', () => {
    const own: WeekMinutes = [360, 360, 360, 0, 0, 0, 0];
    expect(scheduledMinutes(base({ koppelWeek: own }), '2026-12-07')).toBe(360);
    expect(scheduledMinutes(base({ koppelWeek: own }), '2026-12-10')).toBe(0);
    expect(scheduledMinutes(base(), '2026-12-07')).toBe(DEFAULT_WEEK[0]);
    expect(scheduledMinutes(base(), '2026-12-12')).toBe(0);
  });

  it('uses the Exact schedule valid on the day when Schedule is on, and ignores the Koppel week', () => {
    const src = base({
      scheduleFromExact: true,
      koppelWeek: [600, 600, 600, 600, 600, 600, 600],
      exactSchedules: [
        { from: '2026-01-01', to: null, week: [480, 480, 480, 480, 480, 0, 0] },
        { from: '2026-12-09', to: '2026-12-31', week: [240, 240, 240, 240, 0, 0, 0] }, // fewer hours from Wednesday
      ],
    });
    const c = byDate(src);
    expect(c['2026-12-08'].scheduled).toBe(480);
    expect(c['2026-12-09'].scheduled).toBe(240);
    expect(c['2026-12-11'].scheduled).toBe(0);
    expect(c['2026-12-12'].scheduled).toBe(0);
    // no Exact schedule covering a day → no capacity (Exact is leading)
    expect(scheduledMinutes(base({ scheduleFromExact: true }), '2026-12-07')).toBe(0);
  });

  it('spreads Exact hours per week over the first days', () => {
    expect(weekFromHoursAndDays(40, 5)).toEqual([480, 480, 480, 480, 480, 0, 0]);
    expect(weekFromHoursAndDays(24, 3)).toEqual([480, 480, 480, 0, 0, 0, 0]);
    const odd = weekFromHoursAndDays(0.25, 4); // 15 minutes over 4 days: 4, 4, 4, 3
    expect(odd.reduce((a, b) => a + b, 0)).toBe(15);
    expect(weekFromHoursAndDays(38, 0)).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });
});

describe('leave and absence', () => {
  it('takes approved leave and absence off the day, never below zero, and marks the day', () => {
    const c = byDate(base({
      leave: [
        { date: '2026-12-08', minutes: 240, kind: 'leave', approved: true },
        { date: '2026-12-09', minutes: 480, kind: 'absence', approved: true },
        { date: '2026-12-10', minutes: 600, kind: 'leave', approved: true }, // more than the day had
        { date: '2026-12-11', minutes: 480, kind: 'leave', approved: false }, // submitted only
      ],
    }));
    expect(c['2026-12-08']).toMatchObject({ scheduled: 480, leave: 240, absence: 0, available: 240, onLeave: true, fullDayOff: false });
    expect(c['2026-12-09']).toMatchObject({ absence: 480, available: 0, fullDayOff: true });
    expect(c['2026-12-10']).toMatchObject({ leave: 480, available: 0 });
    // submitted leave does not take capacity yet, but still warns
    expect(c['2026-12-11']).toMatchObject({ leave: 0, available: 480, onLeave: true });
    expect(c['2026-12-07'].onLeave).toBe(false);
    expect(leaveDaysIn(capacityForDays(base({ leave: [{ date: '2026-12-08', minutes: 60, kind: 'leave', approved: true }] }), WEEK), '2026-12-07', '2026-12-09')).toEqual(['2026-12-08']);
  });

  it('leave and absence on one day add up but never past the schedule', () => {
    const c = byDate(base({ leave: [
      { date: '2026-12-07', minutes: 300, kind: 'leave', approved: true },
      { date: '2026-12-07', minutes: 300, kind: 'absence', approved: true },
    ] }));
    expect(c['2026-12-07']).toMatchObject({ leave: 300, absence: 180, available: 0 });
  });
});

describe('booked hours and overbooking', () => {
  it('books a one-day activity on its day and marks the day overbooked with the numbers', () => {
    const c = byDate(base({ bookings: [{ start: '2026-12-07', end: '2026-12-07', minutes: 300 }, { start: '2026-12-07', end: '2026-12-07', minutes: 240 }] }));
    expect(c['2026-12-07']).toMatchObject({ available: 480, booked: 540, free: -60, overbooked: true });
    expect(c['2026-12-08']).toMatchObject({ booked: 0, overbooked: false });
  });

  it('spreads a week-long activity over the working days, not the weekend, and the parts add up', () => {
    const c = byDate(base({ bookings: [{ start: '2026-12-07', end: '2026-12-13', minutes: 1001 }] }));
    const parts = WEEK.map((d) => c[d].booked);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(1001);
    expect(c['2026-12-12'].booked).toBe(0);
    expect(c['2026-12-13'].booked).toBe(0);
    expect(Math.max(...parts.slice(0, 5)) - Math.min(...parts.slice(0, 5))).toBeLessThanOrEqual(1);
  });

  it('leaves a day of full leave out of the spread', () => {
    const c = byDate(base({
      leave: [{ date: '2026-12-08', minutes: 480, kind: 'leave', approved: true }],
      bookings: [{ start: '2026-12-07', end: '2026-12-08', minutes: 600 }],
    }));
    expect(c['2026-12-07'].booked).toBe(600);
    expect(c['2026-12-08'].booked).toBe(0);
    expect(c['2026-12-07'].overbooked).toBe(true);
  });

  it('books a weekend-only job evenly when the resource has no hours there (it is still planned)', () => {
    const m = spreadBooking({ start: '2026-12-12', end: '2026-12-13', minutes: 61 }, () => 0);
    expect([...m.values()].reduce((a, b) => a + b, 0)).toBe(61);
    expect(m.size).toBe(2);
  });

  it('counts only the part of a long booking that falls in the days shown', () => {
    const c = byDate(base({ bookings: [{ start: '2026-12-01', end: '2026-12-14', minutes: 4800 }] })); // 10 working days
    expect(c['2026-12-07'].booked).toBe(480);
    expect(WEEK.map((d) => c[d].booked).reduce((a, b) => a + b, 0)).toBe(2400);
    // a booking outside the range does not count at all
    expect(byDate(base({ bookings: [{ start: '2026-11-01', end: '2026-11-02', minutes: 60 }] }))['2026-12-07'].booked).toBe(0);
  });

  it('is not overbooked at exactly full capacity', () => {
    const c = byDate(base({ bookings: [{ start: '2026-12-07', end: '2026-12-07', minutes: 480 }] }));
    expect(c['2026-12-07']).toMatchObject({ free: 0, overbooked: false });
  });
});
