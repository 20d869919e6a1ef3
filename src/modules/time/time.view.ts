import type { ActivityChoice, PersonRow } from '../planning/planning-people.service.js';
import type { TimeEntry } from './time-entry.entity.js';
import type { WeekData } from './time.service.js';
import { addDays } from '../planning-board/capacity.js';

const num = (v: string | number | null | undefined) => (v === null || v === undefined ? 0 : Number(v));
export const fmtHours = (h: number) => (Math.round(h * 100) / 100).toFixed(2);

export function activityLabel(a: ActivityChoice | null | undefined): string {
  if (!a) return '—';
  const card = [a.cardNumber, a.cardDescription].filter(Boolean).join(' ');
  const act = [a.code, a.description].filter(Boolean).join(' ');
  return act ? `${card} · ${act}` : card;
}

export interface EntryView {
  id: number; date: string; hours: string; start: string | null; end: string | null; phase: string | null; quantity: string | null; finished: boolean;
  notes: string | null; status: string; rejectReason: string | null; decidedBy: string | null; sendState: string; sendError: string | null; heldReason: string | null;
  locked: boolean; activity: string; activityId: number; cardId: number; operation: boolean;
}

export function toEntryView(e: TimeEntry, a: ActivityChoice | null | undefined): EntryView {
  return {
    id: e.id, date: e.date, hours: fmtHours(num(e.hours)), start: e.startTime ?? null, end: e.endTime ?? null, phase: e.phase ?? null,
    quantity: e.quantity === null || e.quantity === undefined ? null : String(Number(e.quantity)), finished: e.operationFinished, notes: e.notes ?? null,
    status: e.status, rejectReason: e.rejectReason ?? null, decidedBy: e.decidedBy ?? null, sendState: e.sendState,
    // refused: Exact's own text; held: the reason's i18n key (the outgoing side writes both into send_error)
    sendError: e.sendState === 'failed' ? (e.sendError ?? null) : null, heldReason: e.sendState === 'held' ? (e.sendError ?? null) : null,
    locked: e.status === 'approved', activity: activityLabel(a), activityId: e.activity.id, cardId: e.card.id, operation: a?.kind === 'operation',
  };
}

/** The week timesheet: activities × days with totals per day and week (a list per day on a phone). */
export function toWeekView(w: WeekData) {
  const entries = w.entries.map((e) => toEntryView(e, w.activities.get(e.activity.id)));
  const byActivity = new Map<number, EntryView[]>();
  for (const e of entries) byActivity.set(e.activityId, [...(byActivity.get(e.activityId) ?? []), e]);
  const rows = [...byActivity.entries()].map(([id, list]) => ({
    activity: list[0].activity,
    activityId: id,
    cells: w.days.map((d) => {
      const own = list.filter((e) => e.date === d);
      return { date: d, hours: own.length ? fmtHours(own.reduce((s, e) => s + Number(e.hours), 0)) : '', entries: own };
    }),
    total: fmtHours(list.reduce((s, e) => s + Number(e.hours), 0)),
  }));
  const dayTotals = w.days.map((d) => fmtHours(entries.filter((e) => e.date === d).reduce((s, e) => s + Number(e.hours), 0)));
  const open = entries.filter((e) => e.status !== 'approved');
  return {
    person: w.person ? toPersonView(w.person) : null,
    people: w.people.map(toPersonView),
    monday: w.monday,
    prev: addDays(w.monday, -7),
    next: addDays(w.monday, 7),
    sunday: w.days[6],
    days: w.days.map((d, i) => ({ date: d, weekday: i, entries: entries.filter((e) => e.date === d), total: dayTotals[i] })),
    rows,
    dayTotals,
    weekTotal: fmtHours(entries.reduce((s, e) => s + Number(e.hours), 0)),
    entries,
    openIds: open.map((e) => e.id),
    choices: w.choices.map((a) => ({ id: a.id, label: activityLabel(a), operation: a.kind === 'operation' })),
    mayApprove: w.mayApprove,
    ownWeek: w.ownWeek,
    /** new hours default to today when it is in the week shown, else its Monday */
    defaultDate: w.days.includes(w.today) ? w.today : w.monday,
  };
}

export function toPersonView(p: PersonRow) {
  return { id: p.id, name: p.name, code: p.code, group: p.group, userId: p.userId, userName: p.userName, linked: p.userId !== null };
}

/** What was typed, for the form shown again with its errors. */
export function toFormValues(body: Record<string, unknown>) {
  const s = (k: string) => (typeof body[k] === 'string' ? String(body[k]) : '');
  return { activity: s('activity'), resource: s('resource'), date: s('date'), start: s('start'), end: s('end'), hours: s('hours'), phase: s('phase'), quantity: s('quantity'), finished: body.finished === 'on', notes: s('notes') };
}
