import { Injectable, type OnModuleInit } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { NotFoundError, ValidationError } from '../../common/errors.js';
import { parseForm, toInt } from '../../common/validation.js';
import { ExactClient } from '../../exact/exact.client.js';
import { ExactError } from '../../exact/errors.js';
import { timeApi, type ExactSelectionCode } from '../../exact/time.resources.js';
import { SyncService } from '../sync/sync.service.js';
import { TimeService, OUTGOING_RESOURCE } from '../time/time.service.js';
import { OutboxLog, OutboxMessage, OutgoingSettings } from './outgoing.entity.js';
import { OutgoingForm } from './outgoing.form.js';
import { HealthFeatureRegistry } from '../connection-health/connection-health.registry.js';
import { OUTGOING_FEATURES, OUTGOING_SWITCHES } from './outgoing.health.js';
import { CardPageRegistry } from '../planning/planning.types.js';
import type { CurrentUser } from '../auth/current-user.js';
import { toMessageView } from './outgoing.view.js';

export interface DivisionCounts { division: number; queued: number; sent: number; failed: number; held: number }

/** The outgoing switches per division, the send log, re-send, and the figures for the Sync page. */
@Injectable()
export class OutgoingAdminService implements OnModuleInit {
  constructor(
    private readonly em: EntityManager,
    private readonly sync: SyncService,
    private readonly client: ExactClient,
    private readonly time: TimeService,
    private readonly health: HealthFeatureRegistry,
    private readonly cardPages: CardPageRegistry,
  ) {}

  /**
   * Time export and the dates sent back are features on the Health page (each with the right it needs); a card's page
   * shows what Exact refused or what is held for it, with Exact's own text and a re-send.
   */
  onModuleInit(): void {
    for (const sw of OUTGOING_SWITCHES) this.health.register(OUTGOING_FEATURES[sw]);
    this.cardPages.addToDetail((cardId, user) => this.cardSection(cardId, user));
  }

  /** The card page's section: the card's messages Exact refused or that are held (hours on it included). */
  async cardSection(cardId: number, user: CurrentUser | undefined): Promise<Record<string, unknown>> {
    const stuck = await this.em.fork().find(OutboxMessage, { cardId, state: { $in: ['failed', 'held'] } }, { orderBy: { id: 'desc' }, limit: 20 });
    return { outgoing: { cardId, stuck: stuck.map(toMessageView), canResend: user?.role === 'admin' || user?.role === 'planner' } };
  }

  private async pick(raw: unknown): Promise<{ divisions: { code: number; name: string }[]; division: number | null }> {
    const divisions = (await this.sync.divisions()).map((d) => ({ code: d.division, name: d.name ?? String(d.division) }));
    const wanted = toInt(raw);
    const division = divisions.find((d) => d.code === wanted)?.code ?? divisions[0]?.code ?? null;
    return { divisions, division };
  }

  async settings(division: number): Promise<OutgoingSettings> {
    return (await this.em.findOne(OutgoingSettings, { division })) ?? this.em.create(OutgoingSettings, { division }, { persist: false });
  }

  /** The screen: divisions, the switches, the division's selection codes (a note when Exact has none or refuses them). */
  async screen(rawDivision: unknown) {
    const { divisions, division } = await this.pick(rawDivision);
    if (division === null) return { divisions, division, settings: null, codes: [] as ExactSelectionCode[], codesError: null as string | null };
    const settings = await this.settings(division);
    let codes: ExactSelectionCode[] = [];
    let codesError: string | null = null;
    try {
      codes = await timeApi(this.client, division).selectionCodes({ kind: 'interactive' });
    } catch (e) {
      if (!(e instanceof ExactError)) throw e;
      codesError = e.exactMessage || e.message;
    }
    return { divisions, division, settings, codes, codesError };
  }

  async save(body: Record<string, unknown>): Promise<number> {
    const { division } = await this.pick(body.division);
    if (division === null || division !== toInt(body.division)) throw new ValidationError({ division: ['outgoing.validation.division'] });
    const input = parseForm(OutgoingForm, body);
    const s = (await this.em.findOne(OutgoingSettings, { division })) ?? this.em.create(OutgoingSettings, { division });
    // a switch turned on whose right or module is missing is refused with the Health page's message (409)
    for (const sw of OUTGOING_SWITCHES) if ((input as Record<string, unknown>)[sw] === true && !s[sw]) await this.health.gate(OUTGOING_FEATURES[sw].key, [division]);
    Object.assign(s, input);
    await this.em.flush();
    await this.time.triggerOutgoing(division);
    return division;
  }

  /** Puts a refused (or held) message back in the queue (after it was fixed in Exact) and starts a run. */
  async resend(outboxId: number): Promise<OutboxMessage> {
    const row = await this.em.findOne(OutboxMessage, { id: outboxId });
    if (!row) throw new NotFoundError('Outgoing message');
    if (row.state === 'failed' || row.state === 'held') {
      row.state = 'queued';
      row.lastError = null;
      this.em.create(OutboxLog, { outboxId: row.id, cardId: row.cardId ?? null, timeEntryId: row.timeEntryId ?? null, action: 'resend' });
      if (row.timeEntryId) await this.time.recordSend(this.em, [row.timeEntryId], { state: 'queued' });
      await this.em.flush();
    }
    await this.time.triggerOutgoing(row.division);
    return row;
  }

  /**
   * Re-send of a time entry's hours: its refused or held message goes back in the queue; hours held before they had a
   * message (an employee without Exact employee, a switch off) are looked at again by the run this starts.
   */
  async resendEntry(entryId: number): Promise<void> {
    const row = await this.em.findOne(OutboxMessage, { timeEntryId: entryId });
    if (row) {
      await this.resend(row.id);
      return;
    }
    const e = await this.time.entry(entryId);
    await this.time.triggerOutgoing(e.division);
  }

  /** The messages and their log for a card or a time entry (newest first). */
  async log(of: { cardId?: number; timeEntryId?: number }): Promise<{ messages: OutboxMessage[]; log: OutboxLog[] }> {
    const where = of.cardId ? { cardId: of.cardId } : { timeEntryId: of.timeEntryId };
    const [messages, log] = await Promise.all([
      this.em.find(OutboxMessage, where, { orderBy: { id: 'desc' }, limit: 50 }),
      this.em.find(OutboxLog, where, { orderBy: { id: 'desc' }, limit: 200 }),
    ]);
    return { messages, log };
  }

  /** Queued, sent, failed and held per division (the Sync page); held counts the hours (held ones never leave). */
  async counts(): Promise<DivisionCounts[]> {
    const rows: Record<string, unknown>[] = await this.em.getConnection().execute(
      `select division, count(*) filter (where state = 'queued')::int as queued, count(*) filter (where state = 'sent')::int as sent,
         count(*) filter (where state = 'failed')::int as failed from planning_outbox group by division order by division`);
    const held = await this.time.heldCounts(this.em);
    const divisions = [...new Set([...rows.map((r) => Number(r.division)), ...held.keys()])].sort((a, b) => a - b);
    const by = new Map(rows.map((r) => [Number(r.division), r]));
    return divisions.map((d) => ({ division: d, queued: Number(by.get(d)?.queued ?? 0), sent: Number(by.get(d)?.sent ?? 0), failed: Number(by.get(d)?.failed ?? 0), held: held.get(d) ?? 0 }));
  }

  resourceName(): string {
    return OUTGOING_RESOURCE;
  }
}
