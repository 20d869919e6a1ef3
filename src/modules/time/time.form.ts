import { z } from 'zod';
import { int, isIsoDate, isoDate, optionalId, optionalText } from '../../common/validation.js';

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const optionalTime = z.preprocess((v) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined), z.string().regex(TIME, 'time.validation.time').optional());
/** Hours as typed: "1,5", "1.5", "1:30". */
export function parseHours(v: unknown): number | undefined {
  if (typeof v !== 'string' || v.trim() === '') return undefined;
  const s = v.trim();
  const hm = /^(\d{1,2}):([0-5]\d)$/.exec(s);
  if (hm) return Number(hm[1]) + Number(hm[2]) / 60;
  if (!/^\d{1,2}([.,]\d{1,2})?$/.test(s)) return NaN;
  return Number(s.replace(',', '.'));
}
const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
const optionalDecimal = z.preprocess((v) => {
  if (typeof v !== 'string' || v.trim() === '') return undefined;
  const s = v.trim().replace(',', '.');
  return /^\d{1,10}(\.\d{1,4})?$/.test(s) ? s : NaN;
}, z.string({ message: 'time.validation.quantity' }).optional());
const checkbox = z.preprocess((v) => v === '1' || v === 'true' || v === 'on', z.boolean());

/**
 * One time entry: an activity, a day, start–end or a duration, setup or run (operations), quantity produced,
 * "operation finished", notes. `resource` is only used by planners entering hours for someone else.
 */
export const TimeEntryForm = z
  .object({
    activity: int({ message: 'time.validation.activity' }),
    resource: optionalId('time.validation.resource'),
    date: isoDate(),
    start: optionalTime,
    end: optionalTime,
    hours: z.preprocess(parseHours, z.number({ message: 'time.validation.hours' }).optional()),
    phase: z.preprocess((v) => (v === '' || v === undefined ? undefined : v), z.enum(['setup', 'run'], { message: 'validation.invalid' }).optional()),
    quantity: optionalDecimal,
    finished: checkbox,
    notes: optionalText(500),
  })
  .transform((f) => ({ ...f, hours: f.start && f.end ? Math.round(((minutes(f.end) - minutes(f.start)) / 60) * 100) / 100 : f.hours }))
  .superRefine((f, ctx) => {
    if ((f.start && !f.end) || (!f.start && f.end)) ctx.addIssue({ code: 'custom', path: [f.start ? 'end' : 'start'], message: 'time.validation.startEnd' });
    else if (f.start && f.end && f.end <= f.start) ctx.addIssue({ code: 'custom', path: ['end'], message: 'time.validation.endBeforeStart' });
    else if (f.hours === undefined) ctx.addIssue({ code: 'custom', path: ['hours'], message: 'time.validation.hoursOrTimes' });
    else if (!(f.hours > 0 && f.hours <= 24)) ctx.addIssue({ code: 'custom', path: ['hours'], message: 'time.validation.hours' });
  });
export type TimeEntryInput = z.infer<typeof TimeEntryForm>;

export const RejectForm = z.object({ reason: z.preprocess((v) => (typeof v === 'string' ? v.trim() : ''), z.string().min(1, 'time.validation.reason').max(500, 'validation.tooLong')) });

/** Approving: one entry or several (a whole week of someone). */
export const ApproveForm = z.object({
  ids: z.preprocess((v) => (Array.isArray(v) ? v : v === undefined ? [] : [v]), z.array(int()).min(1, 'time.validation.nothingSelected').max(500)),
});

/** The week shown: a person (planners) and any day of the week. */
export function parseWeekQuery(raw: Record<string, unknown>): { date?: string; resource?: number } {
  const resource = typeof raw.resource === 'string' && /^\d{1,9}$/.test(raw.resource) ? Number(raw.resource) : undefined;
  return { date: isIsoDate(raw.date) ? raw.date : undefined, resource };
}

export const LinkUserForm = z.object({ user: optionalId('time.validation.user') });
