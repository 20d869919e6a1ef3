import type { Lang } from '../../common/i18n/i18n.js';
import type { PlanItemRow } from '../planning/planning-plan.service.js';
import type { Board, BoardChunk, BoardPeriod, BoardRow, Unplanned } from './board.service.js';
import type { BoardQuery } from './board.form.js';
import { PLAN_CARD_KINDS } from '../planning/plan-card.entity.js';
import { dayCount, hoursToMinutes, isoWeek, minutesToHours, weekday, type IsoDate } from './capacity.js';
import { memoize } from '../../common/memo.js';

/** View models of the planning board (templates never get entities or service rows). */

const LOCALE: Record<Lang, string> = { nl: 'nl-NL', en: 'en-GB' };
const utc = (d: IsoDate) => new Date(`${d}T00:00:00Z`);
/** Formatters are made once per language and options (making one costs far more than formatting: hundreds of dates a page). */
const formatters = new Map<string, Intl.DateTimeFormat>();
const fmt = (lang: Lang, d: IsoDate, opts: Intl.DateTimeFormatOptions) => {
  const key = `${lang} ${JSON.stringify(opts)}`;
  let f = formatters.get(key);
  if (!f) formatters.set(key, (f = new Intl.DateTimeFormat(LOCALE[lang], { timeZone: 'UTC', ...opts })));
  return f.format(utc(d));
};

/** "12 dec" of a due date: the board shows the same few dates on hundreds of chips. */
const dueLabels = memoize((key: `${Lang} ${IsoDate}`) => {
  const [lang, d] = key.split(' ') as [Lang, IsoDate];
  return fmt(lang, d, { day: 'numeric', month: 'short' });
}, 5_000);
const dueLabel = (lang: Lang, d: IsoDate) => dueLabels(`${lang} ${d}`);

export const cellId = (resourceId: number, date: IsoDate) => `cell-${resourceId}-${date}`;

export function toItemView(i: PlanItemRow, lang: Lang) {
  const minutes = hoursToMinutes(i.hours);
  const late = !!(i.end && i.dueDate && i.end > i.dueDate);
  return {
    item: i.kind,
    id: i.id,
    domId: `${i.kind}-${i.id}`,
    cardId: i.cardId,
    cardKind: i.cardKind,
    version: i.cardVersion,
    number: i.number ?? '',
    customer: i.customer ?? '',
    description: i.description ?? i.cardDescription ?? '',
    cardDescription: i.kind === 'activity' ? (i.cardDescription ?? '') : '',
    hours: minutes !== undefined ? minutesToHours(minutes) : '',
    resourceId: i.resourceId ?? '',
    start: i.start ?? '',
    end: i.end ?? '',
    days: i.start && i.end ? dayCount(i.start, i.end) : 1,
    dueDate: i.dueDate ?? '',
    dueLabel: i.dueDate ? dueLabel(lang, i.dueDate) : '',
    late,
    archived: i.cardStatus !== 'open',
    warehouse: i.warehouse ?? '',
  };
}
export type ItemView = ReturnType<typeof toItemView>;

export function toRowView(row: BoardRow, today: IsoDate, lang: Lang) {
  const r = row.resource;
  return {
    id: r.id,
    name: r.name,
    code: r.code ?? '',
    kind: r.kind,
    group: r.group ?? '',
    exactSchedule: r.exactSchedule,
    cells: row.cells.map((c) => {
      const cap = c.capacity;
      return {
        domId: cellId(r.id, c.date),
        // the cell's classes in one (the page has hundreds of cells)
        classes: `cell${c.date === today ? ' today' : ''}${weekday(c.date) >= 5 ? ' weekend' : ''}${cap.overbooked ? ' overbooked' : ''}${cap.onLeave ? ' on-leave' : ''}${cap.fullDayOff ? ' day-off' : ''}`,
        resourceId: r.id,
        date: c.date,
        booked: minutesToHours(cap.booked),
        available: minutesToHours(cap.available),
        over: minutesToHours(Math.max(0, cap.booked - cap.available)),
        overbooked: cap.overbooked,
        onLeave: cap.onLeave,
        leave: cap.leave ? minutesToHours(cap.leave) : '',
        absence: cap.absence ? minutesToHours(cap.absence) : '',
        // the <meter>: booked against available; past "high" it shows as overloaded
        loadValue: Math.min(cap.booked, Math.max(cap.available, 1)),
        loadMax: Math.max(cap.available, 1),
        loadHigh: Math.max(cap.available, 1) - 0.5,
        items: c.items.map((i) => {
          const view = toItemView(i, lang);
          const continued = c.continued.has(i);
          return Object.assign(view, { continued, classes: `chip kind-${view.cardKind}${continued ? ' continued' : ''}${view.late ? ' late' : ''}${view.archived ? ' archived' : ''}` });
        }),
      };
    }),
  };
}

export function toPeriodView(p: BoardPeriod, lang: Lang) {
  return {
    view: p.view,
    from: p.from,
    to: p.to,
    prev: p.prev,
    next: p.next,
    today: p.today,
    containsToday: p.today >= p.from && p.today <= p.to,
    week: isoWeek(p.from),
    lastWeek: isoWeek(p.to),
    // the day, or the first and last day of the range (the template puts the dash between them)
    label: p.view === 'day' ? fmt(lang, p.from, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }) : '',
    range: p.view === 'day' ? null : { from: fmt(lang, p.from, { day: 'numeric', month: 'short' }), to: fmt(lang, p.to, { day: 'numeric', month: 'short', year: 'numeric' }) },
    days: p.days.map((d) => ({
      date: d,
      weekday: fmt(lang, d, { weekday: 'short' }),
      day: fmt(lang, d, { day: 'numeric', month: p.view === '4weeks' ? undefined : 'short' }),
      today: d === p.today,
      weekend: weekday(d) >= 5,
    })),
  };
}

/** Rows grouped by their resource group (rows come sorted by group); a group continued from the chunk before gets no second header. */
export function groupRows(rows: ReturnType<typeof toRowView>[], previousGroup: string | null = null) {
  const groups: { name: string; header: boolean; rows: typeof rows }[] = [];
  for (const row of rows) {
    const last = groups[groups.length - 1];
    if (last && last.name === row.group) last.rows.push(row);
    else groups.push({ name: row.group, header: !!row.group && row.group !== (groups.length ? null : previousGroup), rows: [row] });
  }
  return groups;
}

/** One chunk of rows and the loader of the next one. */
export function toChunkView(chunk: BoardChunk, period: BoardPeriod, query: BoardQuery, lang: Lang) {
  const rows = chunk.rows.map((r) => toRowView(r, period.today, lang));
  const next = chunk.nextOffset;
  const params = new URLSearchParams(boardUrl(query).split('?')[1] ?? '');
  if (next !== null) params.set('offset', String(next));
  return {
    groups: groupRows(rows, chunk.previousGroup),
    hasRows: rows.length > 0,
    more: next === null ? null : { url: `/planning/board/rows?${params.toString()}`, shown: next, total: chunk.total },
  };
}

/** The query string of the board with some parameters replaced (navigation, filters, views). */
export function boardUrl(query: BoardQuery, over: Partial<Record<keyof BoardQuery, string | undefined>> = {}): string {
  const params = new URLSearchParams();
  const merged: Record<string, unknown> = { ...query, ...over };
  if (merged.view === 'week') delete merged.view;
  for (const [k, v] of Object.entries(merged)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `/planning/board?${s}` : '/planning/board';
}

export function toBoardView(board: Board, query: BoardQuery, lang: Lang) {
  const period = toPeriodView(board.period, lang);
  return {
    period,
    ...toChunkView(board, board.period, query, lang),
    anyResources: board.anyResources,
    filtered: !!(query.kind || query.group || query.resource),
    resourceGroups: board.groups,
    // the side list: drawn with the board, or a placeholder that loads it (see unplannedUrl)
    ...(board.unplanned ? toUnplannedPanel(board.unplanned, query, lang) : {}),
    stamp: board.stamp,
    query,
    columns: board.period.days.length,
    urls: {
      prev: boardUrl(query, { date: period.prev }),
      next: boardUrl(query, { date: period.next }),
      today: boardUrl(query, { date: undefined }),
      day: boardUrl(query, { view: 'day', date: query.date }),
      week: boardUrl(query, { view: 'week' }),
      weeks4: boardUrl(query, { view: '4weeks' }),
      changes: changesUrl(query, board.stamp),
      unplanned: unplannedUrl(query),
      self: boardUrl(query),
    },
    returnParam: returnQuery(boardUrl(query)),
    // each filter form keeps the other form's choices
    keepUnplannedFilters: hidden(query, ['type', 'customer', 'warehouse', 'due', 'q']),
  };
}

/** The side list of unplanned items with its filters. */
export function toUnplannedPanel(u: Unplanned, query: BoardQuery, lang: Lang) {
  return {
    query,
    // total counts cards (capped at 200); the list shows the items of the first cards
    unplanned: { items: u.items.map((i) => toItemView(i, lang)), total: u.total, more: u.total > new Set(u.items.map((i) => i.cardId)).size, shown: new Set(u.items.map((i) => i.cardId)).size },
    cardKinds: PLAN_CARD_KINDS,
    unplannedFiltered: !!(query.type || query.customer || query.warehouse || query.due || query.q),
    keepBoardFilters: hidden(query, ['view', 'date', 'kind', 'group', 'resource']),
  };
}

function hidden(query: BoardQuery, keys: (keyof BoardQuery)[]) {
  return keys.filter((k) => query[k]).map((k) => ({ name: k, value: String(query[k]) }));
}

/** The `?return=` of a chip's plan link: none for the plain board (the plan form goes back there by default). */
export function returnQuery(path: string): string {
  return path === '/planning/board' ? '' : `?return=${encodeURIComponent(path)}`;
}

/** Where the page loads its side list from: the same board's filters. */
export function unplannedUrl(query: BoardQuery): string {
  const params = boardUrl(query).split('?')[1];
  return params ? `/planning/board/unplanned?${params}` : '/planning/board/unplanned';
}

/** The board's polling address: the same board, and the stamp of what the page shows. */
export function changesUrl(query: BoardQuery, stamp: string): string {
  const params = new URLSearchParams(boardUrl(query).split('?')[1] ?? '');
  params.set('stamp', stamp);
  return `/planning/board/changes?${params.toString()}`;
}

/** The message after a move (i18n key and its parameters): item number, resource and days. */
export function toMovedView(item: PlanItemRow, resourceName: string | null, lang: Lang) {
  const label = (d: string | null) => (d ? fmt(lang, d, { weekday: 'short', day: 'numeric', month: 'short' }) : '');
  const number = item.number ?? item.description ?? '';
  return resourceName
    ? { key: 'planningBoard.moved', params: { number, resource: resourceName, start: label(item.start), end: label(item.end) } }
    : { key: 'planningBoard.unplannedDone', params: { number } };
}

export function toLeaveDaysView(days: { date: string; kind: string; hours: string; status: string }[], lang: Lang) {
  return days.map((d) => ({ ...d, label: fmt(lang, d.date, { weekday: 'long', day: 'numeric', month: 'long' }), hours: minutesToHours(hoursToMinutes(d.hours) ?? 0) }));
}


/** A resource as a choice of the plan form: "name (code)". */
export function toResourceChoice(r: { id: number; name: string; code?: string | null }) {
  return { id: r.id, name: r.code ? `${r.name} (${r.code})` : r.name };
}
