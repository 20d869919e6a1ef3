import { z } from 'zod';
import { int, isIsoDate, optionalId } from '../../common/validation.js';
import { PLAN_CARD_KINDS } from '../planning/plan-card.entity.js';

export const BOARD_VIEWS = ['day', 'week', '4weeks'] as const;
export type BoardView = (typeof BOARD_VIEWS)[number];

/** What the board shows: period, resource filter and the side list's filters (all from the query string). */
export interface BoardQuery {
  view: BoardView;
  /** any day in the period ("go to date"); empty = today */
  date?: string;
  kind?: 'employee' | 'machine';
  group?: string;
  resource?: string;
  type?: string;
  customer?: string;
  warehouse?: string;
  due?: string;
  q?: string;
}

const pick = (v: unknown, max = 80): string | undefined => {
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  return s && s.length <= max && !/[\u0000-\u001F\u007F]/.test(s) ? s : undefined;
};

/** Lenient: an unknown or malformed value is simply ignored (the board is a read-only page). */
export function parseBoardQuery(raw: Record<string, unknown>): BoardQuery {
  const view = (BOARD_VIEWS as readonly string[]).includes(String(raw.view)) ? (raw.view as BoardView) : 'week';
  const date = isIsoDate(raw.date) ? raw.date : undefined;
  const due = isIsoDate(raw.due) ? raw.due : undefined;
  const kind = raw.kind === 'employee' || raw.kind === 'machine' ? raw.kind : undefined;
  const type = (PLAN_CARD_KINDS as readonly string[]).includes(String(raw.type)) ? String(raw.type) : undefined;
  return { view, date, due, kind, type, group: pick(raw.group, 120), resource: pick(raw.resource), customer: pick(raw.customer), warehouse: pick(raw.warehouse, 20), q: pick(raw.q) };
}

const ISO = (message: string) => z.preprocess((v) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined), z.string().refine(isIsoDate, message).optional());

/**
 * One move, from drag and drop or the keyboard form (same fields): the item, the card version it was based on,
 * the resource (blank = back to the unplanned list) and the days; `confirmLeave` after the leave warning.
 */
export const MoveForm = z
  .object({
    item: z.enum(['activity', 'card'], { message: 'validation.invalid' }),
    id: int(),
    version: int(),
    resource: optionalId('planningBoard.validation.resource'),
    start: ISO('validation.date'),
    end: ISO('validation.date'),
    confirmLeave: z.preprocess((v) => v === '1' || v === 'true' || v === 'on', z.boolean()),
  })
  // a one-day plan needs no end
  .transform((f) => ({ ...f, end: f.end ?? f.start }))
  .superRefine((f, ctx) => {
    if (f.resource === undefined) return; // unplanning needs no dates
    if (!f.start) ctx.addIssue({ code: 'custom', path: ['start'], message: 'validation.required' });
    if (f.start && f.end && f.end < f.start) ctx.addIssue({ code: 'custom', path: ['end'], message: 'planningBoard.validation.endBeforeStart' });
    if (f.start && f.end && f.end > f.start && (Date.parse(f.end) - Date.parse(f.start)) / 86_400_000 > 366) {
      ctx.addIssue({ code: 'custom', path: ['end'], message: 'planningBoard.validation.tooLong' });
    }
  });
export type MoveFormInput = z.infer<typeof MoveForm>;
