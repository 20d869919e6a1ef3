import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import {
  PlanningPlanService, type Cells, type CellsRequest, type LeaveRow, type MoveOutcome, type PlanItemRow, type PlanResourceRow, type Placement,
  type ScheduleRow, type UnplannedFilter,
} from '../planning/planning-plan.service.js';
import { OutgoingService } from '../planning-outgoing/outgoing.service.js';
import type { BoardQuery, BoardView, MoveFormInput } from './board.form.js';
import {
  addDays, capacityForDays, dayCount, daysBetween, hoursToMinutes, mondayOf, type DayCapacity, type IsoDate, type WeekMinutes,
} from './capacity.js';

/** How many cards the side list shows at once (the filters narrow it down). */
export const UNPLANNED_LIMIT = 25;
/** Resources drawn per request: the page has the first ones, the board loads the next as they scroll into view. */
export const ROWS_PER_CHUNK = 15;

export interface BoardPeriod {
  view: BoardView;
  from: IsoDate;
  to: IsoDate;
  days: IsoDate[];
  today: IsoDate;
  /** the `date` of the previous and next period */
  prev: IsoDate;
  next: IsoDate;
}

export interface BoardRow {
  resource: PlanResourceRow;
  /** `continued`: the items of the cell that began on an earlier day shown (drawn in brief there) */
  cells: { date: IsoDate; capacity: DayCapacity; items: PlanItemRow[]; continued: ReadonlySet<PlanItemRow> }[];
}

export interface BoardChunk {
  rows: BoardRow[];
  /** where the next chunk starts, when there are more resources */
  nextOffset: number | null;
  total: number;
  /** the group of the row before this chunk (so a group's header is not drawn twice) */
  previousGroup: string | null;
}

export interface Board extends BoardChunk {
  period: BoardPeriod;
  groups: string[];
  /** the side list, when read with the board (else the page loads it by itself, see `unplanned`) */
  unplanned: { items: PlanItemRow[]; total: number } | null;
  stamp: string;
  /** any resource exists at all (else the board explains how to get them) */
  anyResources: boolean;
}

export type Unplanned = NonNullable<Board['unplanned']>;

export type MoveResult =
  | { outcome: 'moved'; item: PlanItemRow; resourceName: string | null; rows: BoardRow[]; unplanned: Unplanned | null; stamp: string }
  | Exclude<MoveOutcome, { outcome: 'moved' }>;

const toWeek = (hours: number[] | null | undefined): WeekMinutes | null =>
  hours && hours.length === 7 ? (hours.map((h) => hoursToMinutes(h) ?? 0) as unknown as WeekMinutes) : null;

/** The rows of a read: capacity per resource and day from schedule, leave and bookings, and the items of each day. */
function rowsOf(cells: Cells, days: IsoDate[]): BoardRow[] {
  const byResource = <T extends { resourceId: number | null }>(list: T[]) => {
    const m = new Map<number, T[]>();
    for (const x of list) {
      if (x.resourceId === null) continue;
      const own = m.get(x.resourceId);
      if (own) own.push(x);
      else m.set(x.resourceId, [x]);
    }
    return m;
  };
  const itemsOf = byResource(cells.items);
  const schedulesOf = byResource<ScheduleRow>(cells.schedules);
  const leaveOf = byResource<LeaveRow>(cells.leave);
  return cells.resources.map((resource) => {
    const own = itemsOf.get(resource.id) ?? [];
    const capacity = capacityForDays({
      scheduleFromExact: resource.exactSchedule,
      exactSchedules: (schedulesOf.get(resource.id) ?? []).map((s) => ({ from: s.from, to: s.to, week: toWeek(s.weekHours) ?? [0, 0, 0, 0, 0, 0, 0] })),
      koppelWeek: toWeek(resource.weeklyHours),
      leave: (leaveOf.get(resource.id) ?? []).map((l) => ({ date: l.date, minutes: hoursToMinutes(l.hours) ?? 0, kind: l.kind, approved: l.status === 'approved' })),
      bookings: own.filter((i) => i.start && i.end).map((i) => ({ start: i.start!, end: i.end!, minutes: hoursToMinutes(i.hours) ?? 0 })),
    }, days);
    return {
      resource,
      cells: capacity.map((c) => {
        const items = own.filter((i) => i.start! <= c.date && i.end! >= c.date);
        // an item over several days is drawn in full on its first day shown, in brief on the days after
        return { date: c.date, capacity: c, items, continued: new Set(c.date === days[0] ? [] : items.filter((i) => i.start! < c.date)) };
      }),
    };
  });
}

/** The planning board: period, rows of resources with capacity and planned items per day, the unplanned list. */
@Injectable()
export class BoardService {
  private dayFormat: Intl.DateTimeFormat | undefined;

  private readonly logger = new Logger('PlanningBoard');

  constructor(
    private readonly planning: PlanningPlanService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly outgoing: OutgoingService,
  ) {}

  /** Today in the company's time zone. */
  today(): IsoDate {
    this.dayFormat ??= new Intl.DateTimeFormat('en-CA', { timeZone: this.config.sync.timezone, year: 'numeric', month: '2-digit', day: '2-digit' });
    return this.dayFormat.format(this.clock.now());
  }

  period(view: BoardView, date: IsoDate | undefined): BoardPeriod {
    const today = this.today();
    const anchor = date ?? today;
    const from = view === 'day' ? anchor : mondayOf(anchor);
    const length = view === 'day' ? 1 : view === 'week' ? 7 : 28;
    const to = addDays(from, length - 1);
    // day view steps a day, week and four-week views step a week
    const step = view === 'day' ? 1 : 7;
    return { view, from, to, days: daysBetween(from, to), today, prev: addDays(from, -step), next: addDays(from, step) };
  }

  /**
   * The board in one read. `withUnplanned: false` leaves the side list out: the page loads it by itself (`unplanned`)
   * right after, so the board is drawn without waiting for it; a redraw by polling has it in the same read.
   */
  async board(query: BoardQuery, { withUnplanned = true }: { withUnplanned?: boolean } = {}): Promise<Board> {
    const period = this.period(query.view, query.date);
    const { chunk, cells } = await this.read(query, 0, period, { unplanned: withUnplanned ? this.unplannedFilter(query) : undefined, groups: true });
    return { period, ...chunk, groups: cells.groups ?? [], unplanned: cells.unplanned ?? null, stamp: cells.stamp, anyResources: cells.anyResources };
  }

  /** `ROWS_PER_CHUNK` resources from `offset` with their cells. */
  async chunk(query: BoardQuery, offset: number, period = this.period(query.view, query.date)): Promise<BoardChunk> {
    return (await this.read(query, offset, period)).chunk;
  }

  /** One read of a chunk (and what else the caller asks for), see PlanningPlanService.cells. */
  private async read(query: BoardQuery, offset: number, period: BoardPeriod, more: Pick<CellsRequest, 'unplanned' | 'groups'> = {}) {
    // one resource more than drawn: the group before this chunk
    const from = Math.max(0, offset - 1);
    const cells = await this.planning.cells({
      filter: { kind: query.kind, group: query.group, q: query.resource },
      page: { offset: from, limit: ROWS_PER_CHUNK + (offset - from) },
      from: period.from,
      to: period.to,
      ...more,
    });
    const previousGroup = offset > 0 && cells.resources.length ? (cells.resources.shift()!.group ?? '') : null;
    const rows = rowsOf(cells, period.days);
    const next = offset + ROWS_PER_CHUNK;
    const chunk: BoardChunk = { rows, nextOffset: next < cells.total ? next : null, total: cells.total, previousGroup };
    return { chunk, cells };
  }

  private unplannedFilter(query: BoardQuery): UnplannedFilter {
    return { type: query.type, customer: query.customer, warehouse: query.warehouse, dueBefore: query.due, q: query.q, limit: UNPLANNED_LIMIT };
  }

  unplanned(query: BoardQuery): Promise<Unplanned> {
    return this.planning.unplanned(this.unplannedFilter(query));
  }

  changeStamp(): Promise<string> {
    return this.planning.changeStamp();
  }

  item(kind: 'activity' | 'card', id: number): Promise<PlanItemRow | null> {
    return this.planning.item(kind, id);
  }

  resources(): Promise<PlanResourceRow[]> {
    return this.planning.resources();
  }

  /** Rows of these resources over these days: capacity from schedule, leave and bookings, items per day. */
  async rows(resources: PlanResourceRow[], days: IsoDate[]): Promise<BoardRow[]> {
    if (!resources.length || !days.length) return [];
    const cells = await this.planning.cells({ filter: { ids: resources.map((r) => r.id) }, from: days[0], to: days[days.length - 1] });
    return rowsOf(cells, days);
  }

  /**
   * Plans (or re-plans, or unplans) an item; on success, the rows and days that changed — where the card's
   * items were before and are now, within the period shown — so only those cells are drawn again.
   */
  async move(form: MoveFormInput, by: string, query: BoardQuery): Promise<MoveResult> {
    const result = await this.planning.move({
      item: form.item, id: form.id, version: form.version, resourceId: form.resource ?? null,
      start: form.start ?? null, end: form.end ?? null, confirmLeave: form.confirmLeave, by,
    });
    if (result.outcome !== 'moved') return result;
    const period = this.period(query.view, query.date);
    const touched = new Map<number, Set<IsoDate>>();
    const mark = (p: Placement) => {
      if (p.resourceId === null || !p.start || !p.end || p.end < period.from || p.start > period.to) return;
      const from = p.start < period.from ? period.from : p.start;
      const to = p.end > period.to ? period.to : p.end;
      const set = touched.get(p.resourceId) ?? new Set<IsoDate>();
      if (dayCount(from, to) > 0) for (const d of daysBetween(from, to)) set.add(d);
      touched.set(p.resourceId, set);
    };
    [...result.before, ...result.after].forEach(mark);
    const target = result.item.resourceId;
    // one read (the move is committed): the rows shown, the side list (it changes only when the item went onto or off
    // the board), the stamp and the name of the resource it went to, all of one moment
    const ids = [...touched.keys()];
    const cells = await this.planning.cells({
      filter: { kind: query.kind, group: query.group, q: query.resource, ids },
      from: period.from,
      to: period.to,
      unplanned: result.wasPlanned === (form.resource !== undefined) ? undefined : this.unplannedFilter(query),
      nameOf: target,
    });
    const resourceName = target === null ? null : cells.name;
    const rows = (ids.length ? rowsOf(cells, period.days) : []).map((row) => ({
      ...row,
      cells: row.cells.filter((c) => touched.get(row.resource.id)!.has(c.date)),
    }));
    const { unplanned, stamp } = cells;
    // the new dates go to Exact (when the division sends them) in a debounced run; the move does not wait for it.
    // Asked once the cells are read: its look-ups then run while the answer is drawn and sent, not before.
    this.outgoing.planChanged(result.cardId).catch((e: Error) => this.logger.warn(`outgoing after moving card ${result.cardId}: ${e.message}`));
    return { outcome: 'moved', item: result.item, resourceName, rows, unplanned, stamp };
  }
}
