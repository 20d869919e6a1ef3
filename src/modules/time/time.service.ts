import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { Clock } from '../../common/clock.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../common/errors.js';
import { parseForm } from '../../common/validation.js';
import { addDays, mondayOf } from '../planning-board/capacity.js';
import { PlanningPeopleService, type ActivityChoice, type PersonRow } from '../planning/planning-people.service.js';
import { PlanActivity, PlanCard } from '../planning/plan-card.entity.js';
import { PlanResource } from '../planning/plan-resource.entity.js';
import { SyncService } from '../sync/sync.service.js';
import { UsersService } from '../users/users.service.js';
import { TimeEntry } from './time-entry.entity.js';
import { ApproveForm, LinkUserForm, RejectForm, TimeEntryForm, parseWeekQuery, type TimeEntryInput } from './time.form.js';
import { canApprove, type ApprovedEntry, type TimeActor, type TimeSendUpdate } from './time.types.js';

/** The sync resource that sends approved hours and planning changes to Exact (planning-outgoing module). */
export const OUTGOING_RESOURCE = 'planning-outgoing';

export interface WeekData {
  person: PersonRow | null;
  people: PersonRow[];
  monday: string;
  days: string[];
  entries: TimeEntry[];
  activities: Map<number, ActivityChoice>;
  choices: ActivityChoice[];
  mayApprove: boolean;
  ownWeek: boolean;
  today: string;
}

/**
 * Time registration (issue 16): entries per employee and day on an activity of a plan card, the week timesheet,
 * approval with a reason for rejection (approved entries are locked), employees linked to users. Approving hands
 * the hours to the outgoing side by triggering its sync resource; nothing is sent from a request.
 */
@Injectable()
export class TimeService {
  constructor(
    private readonly em: EntityManager,
    private readonly people: PlanningPeopleService,
    private readonly sync: SyncService,
    private readonly clock: Clock,
    private readonly users: UsersService,
  ) {}

  /** The week of the actor (his own) or — for planners and admins — of any employee. */
  async week(actor: TimeActor, raw: Record<string, unknown>): Promise<WeekData> {
    const q = parseWeekQuery(raw);
    const today = this.clock.today();
    const monday = mondayOf(q.date ?? today);
    const days = Array.from({ length: 7 }, (_, i) => addDays(monday, i));
    const own = await this.people.employeeOfUser(actor.id);
    const mayApprove = canApprove(actor);
    const people = mayApprove ? await this.people.employees() : own ? [own] : [];
    const person = q.resource && mayApprove ? (people.find((p) => p.id === q.resource) ?? null) : (own ?? (mayApprove ? (people[0] ?? null) : null));
    if (q.resource && !person) throw new NotFoundError('Employee');
    const entries = person
      ? await this.em.find(TimeEntry, { resource: person.id, date: { $gte: monday, $lte: days[6] } }, { orderBy: { date: 'asc', id: 'asc' } })
      : [];
    const activities = new Map((await this.people.activities([...new Set(entries.map((e) => e.activity.id))])).map((a) => [a.id, a]));
    const choices = person ? await this.people.activityChoices(person.id, monday, days[6], typeof raw.q === 'string' ? raw.q.trim().slice(0, 60) || undefined : undefined) : [];
    return { person, people, monday, days, entries, activities, choices, mayApprove, ownWeek: !!own && person?.id === own.id, today };
  }

  async entry(id: number): Promise<TimeEntry> {
    const e = await this.em.findOne(TimeEntry, { id });
    if (!e) throw new NotFoundError('Time entry');
    return e;
  }

  async activityOf(e: TimeEntry): Promise<ActivityChoice | null> {
    return this.people.activity(e.activity.id);
  }

  /** The employee the entry is for: the actor's own, or (planners, admins) the one chosen. */
  private async employeeFor(actor: TimeActor, requested: number | undefined): Promise<PersonRow> {
    const own = await this.people.employeeOfUser(actor.id);
    if (requested !== undefined && requested !== own?.id) {
      if (!canApprove(actor)) throw new ForbiddenError('Only planners record hours for someone else', 'time.errors.notYours');
      return this.people.employee(requested);
    }
    if (!own) throw new ValidationError({ resource: ['time.validation.noEmployee'] });
    return own;
  }

  private async mayEdit(actor: TimeActor, e: TimeEntry): Promise<void> {
    if (e.status === 'approved') throw new ConflictError('approved entries are locked', 'time.errors.locked');
    if (canApprove(actor)) return;
    const own = await this.people.employeeOfUser(actor.id);
    if (own?.id !== e.resource.id) throw new ForbiddenError('Not your hours', 'time.errors.notYours');
  }

  private async checkActivity(input: TimeEntryInput): Promise<ActivityChoice> {
    const a = await this.people.activity(input.activity);
    if (!a || a.status === 'archived' || a.cardStatus !== 'open') throw new ValidationError({ activity: ['time.validation.activity'] });
    if (a.kind === 'operation' && !input.phase) throw new ValidationError({ phase: ['time.validation.phase'] });
    return a;
  }

  private apply(e: TimeEntry, input: TimeEntryInput, a: ActivityChoice): void {
    e.activity = this.em.getReference(PlanActivity, a.id);
    e.card = this.em.getReference(PlanCard, a.cardId);
    e.division = a.division;
    e.date = input.date;
    e.startTime = input.start ?? null;
    e.endTime = input.end ?? null;
    e.hours = input.hours!.toFixed(2);
    e.phase = a.kind === 'operation' ? (input.phase ?? 'run') : null;
    e.quantity = a.kind === 'operation' ? (input.quantity ?? null) : null;
    e.operationFinished = a.kind === 'operation' ? input.finished : false;
    e.notes = input.notes ?? null;
  }

  async create(actor: TimeActor, body: unknown): Promise<TimeEntry> {
    const input = parseForm(TimeEntryForm, body);
    const person = await this.employeeFor(actor, input.resource);
    const a = await this.checkActivity(input);
    const e = this.em.create(TimeEntry, { resource: this.em.getReference(PlanResource, person.id), activity: a.id, card: a.cardId, division: a.division, date: input.date, hours: '0', enteredBy: actor.name.slice(0, 120) });
    this.apply(e, input, a);
    await this.em.flush();
    return e;
  }

  async update(actor: TimeActor, id: number, body: unknown): Promise<TimeEntry> {
    const e = await this.entry(id);
    await this.mayEdit(actor, e);
    const input = parseForm(TimeEntryForm, body);
    const a = await this.checkActivity(input);
    this.apply(e, input, a);
    // a corrected rejection goes back to the planner
    if (e.status === 'rejected') e.status = 'open';
    e.version++;
    await this.em.flush();
    return e;
  }

  async remove(actor: TimeActor, id: number): Promise<TimeEntry> {
    const e = await this.entry(id);
    await this.mayEdit(actor, e);
    await this.em.remove(e).flush();
    return e;
  }

  /** Approves open entries (locked from then on) and lets the outgoing side pick them up. */
  async approve(actor: TimeActor, body: unknown): Promise<{ approved: number; divisions: number[] }> {
    if (!canApprove(actor)) throw new ForbiddenError('Only planners approve hours');
    const { ids } = parseForm(ApproveForm, body);
    const entries = await this.em.find(TimeEntry, { id: { $in: ids }, status: { $in: ['open', 'rejected'] } });
    const now = this.clock.now();
    for (const e of entries) {
      e.status = 'approved';
      e.decidedBy = actor.name.slice(0, 120);
      e.decidedAt = now;
      e.rejectReason = null;
      e.version++;
    }
    await this.em.flush();
    const divisions = [...new Set(entries.map((e) => e.division))];
    for (const d of divisions) await this.triggerOutgoing(d);
    return { approved: entries.length, divisions };
  }

  async reject(actor: TimeActor, id: number, body: unknown): Promise<TimeEntry> {
    if (!canApprove(actor)) throw new ForbiddenError('Only planners reject hours');
    const { reason } = parseForm(RejectForm, body);
    const e = await this.entry(id);
    if (e.status === 'approved') throw new ConflictError('approved entries are locked', 'time.errors.locked');
    e.status = 'rejected';
    e.rejectReason = reason;
    e.decidedBy = actor.name.slice(0, 120);
    e.decidedAt = this.clock.now();
    e.version++;
    await this.em.flush();
    return e;
  }

  /**
   * Starts the outgoing run of a division now; while one is queued or running a trigger folds into it ('busy'): a run
   * goes round once more when its round queued something, so hours approved while it sends are taken by it too.
   */
  async triggerOutgoing(division: number): Promise<void> {
    await this.sync.enqueue(division, OUTGOING_RESOURCE, 'manual').catch(() => undefined);
  }

  /** Employees and the Koppel users they can be linked to (Time → Team). */
  async team(): Promise<{ people: PersonRow[]; users: { id: number; name: string; email: string }[] }> {
    const [people, users] = await Promise.all([this.people.employees(), this.users.list()]);
    return { people, users: users.filter((u) => !u.disabled).map((u) => ({ id: u.id, name: u.name, email: u.email })) };
  }

  async linkUser(resourceId: number, body: unknown): Promise<void> {
    const { user } = parseForm(LinkUserForm, body);
    await this.people.linkUser(resourceId, user ?? null);
  }

  // ---- for the outgoing side (planning-outgoing module) ----

  /**
   * Approved entries of a division not handed to the outgoing side yet (kinds: 'operation' and/or project kinds):
   * never queued, or held for a missing prerequisite (looked at again on every run). `after`: the id to page from.
   */
  async approvedUnsent(em: EntityManager, division: number, kinds: readonly string[], limit: number, after = 0): Promise<ApprovedEntry[]> {
    if (!kinds.length) return [];
    const rows: Record<string, unknown>[] = await em.getConnection().execute(
      `select e.id, e.division, e.date::text as date, e.hours::float8 as hours, e.phase, e.quantity::float8 as quantity, e.operation_finished, e.notes,
          r.exact_id as employee, a.kind as activity_kind, a.exact_id as activity_exact_id, a.workcenter_code, c.id as card_id, c.kind as card_kind, c.exact_id as card_exact_id, c.parent_exact_id
        from time_entry e join plan_resource r on r.id = e.resource_id join plan_activity a on a.id = e.activity_id join plan_card c on c.id = e.card_id
        where e.division = ? and e.status = 'approved' and e.send_state in ('none', 'held') and a.kind = any(?::text[]) and e.id > ? order by e.id limit ${Math.trunc(limit)}`,
      [division, `{${kinds.join(',')}}`, Math.trunc(after)]);
    return rows.map((r) => ({
      id: Number(r.id), division: Number(r.division), date: String(r.date), hours: Number(r.hours), phase: (r.phase as 'setup' | 'run' | null) ?? null,
      quantity: r.quantity === null ? null : Number(r.quantity), operationFinished: Boolean(r.operation_finished), notes: (r.notes as string | null) ?? null,
      employeeExactId: (r.employee as string | null) ?? null, activityKind: String(r.activity_kind), activityExactId: String(r.activity_exact_id),
      cardId: Number(r.card_id), cardKind: String(r.card_kind), cardExactId: String(r.card_exact_id), parentExactId: (r.parent_exact_id as string | null) ?? null,
      workcenterCode: (r.workcenter_code as string | null) ?? null,
    }));
  }

  /**
   * Holds the approved, not yet queued hours on these activity kinds (a switch is off): `reason` is the i18n key the
   * entry shows. Returns how many entries it holds now.
   */
  async holdUnsent(em: EntityManager, division: number, kinds: readonly string[], reason: string): Promise<number> {
    if (!kinds.length) return 0;
    const rows: unknown[] = await em.getConnection().execute(
      `update time_entry e set send_state = 'held', send_error = ?, updated_at = now() from plan_activity a
        where a.id = e.activity_id and e.division = ? and e.status = 'approved' and e.send_state in ('none', 'held')
          and e.send_error is distinct from ? and a.kind = any(?::text[]) returning e.id`,
      [reason, division, reason, `{${kinds.join(',')}}`], 'all', em.getTransactionContext());
    return rows.length;
  }

  /** Held entries per division (the Sync page's counts). */
  async heldCounts(em: EntityManager): Promise<Map<number, number>> {
    const rows: { division: number; n: number }[] = await em.getConnection().execute(
      `select division, count(*)::int as n from time_entry where send_state = 'held' group by division`);
    return new Map(rows.map((r) => [Number(r.division), Number(r.n)]));
  }

  /** Where an entry's hours are (set by the outgoing side, in the caller's transaction). */
  async recordSend(em: EntityManager, entryIds: number[], u: TimeSendUpdate): Promise<void> {
    if (!entryIds.length) return;
    await em.getConnection().execute(
      `update time_entry set send_state = ?, send_error = ?, exact_id = coalesce(?, exact_id), updated_at = now() where id = any(?::int[])`,
      [u.state, u.error ?? null, u.exactId ?? null, `{${entryIds.map(Math.trunc).join(',')}}`], 'all', em.getTransactionContext());
  }
}
