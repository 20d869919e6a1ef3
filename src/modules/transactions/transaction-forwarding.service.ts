import { Injectable, Logger } from '@nestjs/common';
import { MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import { Clock } from '../../common/clock.js';
import { Location } from '../locations/location.entity.js';
import { Customer } from '../customers/customer.entity.js';
import { Invoice } from '../invoices/invoice.entity.js';
import { CustomerExportService } from '../customers/customer-export.service.js';
import { LedgersService } from '../ledgers/ledgers.service.js';
import { ExactClient } from '../../exact/exact.client.js';
import { ExactError } from '../../exact/errors.js';
import { unclearOutcome, writeOnce } from '../../exact/write-once.js';
import type { CallKind } from '../../exact/rate-limiter.js';
import { TransactionsApi, type BookedEntry, type ExactCashEntryLine, type ExactGeneralJournalEntryLine } from '../../exact/transactions.resources.js';
import { DeskTransaction, TransactionBatch, type BatchKind } from './transaction.entity.js';
import { TransactionsService, type ResolvedLocation } from './transactions.service.js';

/** Nothing was done and trying later is right (rate limit, paused endpoint, connection gone): not a refusal. */
const later = (e: unknown) => e instanceof ExactError && ['rate_limit', 'blocked', 'auth', 'not_connected'].includes(e.kind);
/** A look-up by our reference that could not be made: whether Exact has the entry is still unknown. */
class LookupFailed extends Error {
  constructor(readonly cause: unknown) {
    super(`look-up by reference failed: ${(cause as Error)?.message ?? String(cause)}`);
  }
}
const errorText = (e: unknown) => (e instanceof ExactError ? `${e.exactMessage ?? e.message}` : String((e as Error)?.message ?? e)).slice(0, 2000);

export interface ForwardSummary {
  batches: number;
  sent: number;
  failed: number;
  blocked: number;
  /** batches whose outcome is still unclear (looked up again next time) */
  unresolved: number;
}

export interface ForwardOptions {
  /** Also the current day (on demand); the schedule forwards closed days only, so a day becomes one entry. */
  includeToday: boolean;
  kind?: CallKind;
  signal?: AbortSignal;
  /** called before each Exact batch (the sync engine's budget wait) */
  beforeBatch?: () => Promise<void>;
  progress?: (done: number, total?: number) => Promise<void>;
}

/** Fills the description template of a location for one transaction. */
export function describe(template: string, t: DeskTransaction, location: Location): string {
  const vars: Record<string, string> = {
    location: location.name,
    code: location.code,
    date: t.date,
    type: t.type.name,
    description: t.description,
    customer: t.customer ? (t.customer as Customer).name : '',
    invoice: t.invoice ? ((t.invoice as Invoice).number ?? '') : '',
  };
  return template.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m).replace(/\s+/g, ' ').trim().slice(0, 100);
}

/**
 * Desk transactions → Exact, exactly once: per location, day and journal one entry (cash book: one line per
 * transaction; general journal: a balanced pair per transaction). The batch and its transactions are recorded in
 * one database transaction BEFORE the POST; after any unclear outcome (timeout, 5xx, a killed process) the entry is
 * looked up in Exact by our reference (the lines' Notes) and only posted again when it is not there. Transactions
 * that arrive after their day was sent form a supplementary entry (the next sequence of that day).
 */
@Injectable()
export class TransactionForwardingService {
  private readonly logger = new Logger('TransactionForwarding');

  constructor(
    private readonly orm: MikroORM,
    private readonly transactions: TransactionsService,
    private readonly customers: CustomerExportService,
    private readonly ledgers: LedgersService,
    private readonly client: ExactClient,
    private readonly clock: Clock,
  ) {}

  static reference(location: Location, date: string, kind: BatchKind, sequence: number): string {
    return `KPL-${location.code}-${date}-${kind === 'cash' ? 'K' : 'M'}${sequence}`;
  }

  private yesterday(): string {
    return new Date(this.clock.now().getTime() - 86_400_000).toISOString().slice(0, 10);
  }

  /** Forwards everything waiting in one division (one run of the sync resource, never two at once per division). */
  async forward(division: number, opts: ForwardOptions): Promise<ForwardSummary> {
    const kind = opts.kind ?? 'background';
    const summary: ForwardSummary = { batches: 0, sent: 0, failed: 0, blocked: 0, unresolved: 0 };
    const em = this.orm.em.fork();
    const resolvedOf = new Map<number, ResolvedLocation | null>();
    const lookup = await this.ledgers.exportLookup(division);
    const periods = new Map<number, boolean>();

    // 1. batches recorded earlier whose outcome is not known (killed process, timeout, 5xx): settle them first
    const open = await em.find(TransactionBatch, { division, state: 'sending' }, { populate: ['location'], orderBy: { id: 'asc' } });
    for (const batch of open) {
      opts.signal?.throwIfAborted();
      await opts.beforeBatch?.();
      const txs = await this.batchTransactions(em, batch);
      let resolved = resolvedOf.get(batch.location.id);
      if (resolved === undefined) {
        resolved = (await this.transactions.resolve(batch.location.id, { lookup, kind, typeIds: txs.map((t) => t.type.id) })).resolved ?? null;
        resolvedOf.set(batch.location.id, resolved);
      }
      await this.send(em, batch, txs, resolved, kind, summary);
    }

    // 2. what is queued, per location, day and journal
    const upTo = opts.includeToday ? this.transactions.today() : this.yesterday();
    const locations = await em.find(Location, { exactDivision: division }, { orderBy: { id: 'asc' } });
    const work: { location: Location; txs: DeskTransaction[] }[] = [];
    for (const location of locations) {
      const txs = await em.find(DeskTransaction, { location, state: { $in: ['queued', 'blocked'] }, date: { $lte: upTo } }, { populate: ['type', 'customer', 'invoice'], orderBy: { date: 'asc', id: 'asc' } });
      if (txs.length) work.push({ location, txs });
    }
    const total = work.reduce((n, w) => n + w.txs.length, 0);
    let done = 0;
    for (const { location, txs } of work) {
      opts.signal?.throwIfAborted();
      const years = [...new Set(txs.map((t) => Number(t.date.slice(0, 4))))];
      const { problems, resolved } = await this.transactions.resolve(location.id, { years, lookup, periods, kind, typeIds: txs.map((t) => t.type.id) });
      if (!resolved) {
        for (const t of txs) Object.assign(t, { state: 'blocked', problems });
        await em.flush();
        summary.blocked += txs.length;
        done += txs.length;
        await opts.progress?.(done, total);
        continue;
      }
      resolvedOf.set(location.id, resolved);
      // the customers must be in Exact first (their own exactly-once path; no call when already linked)
      const accountOf = new Map<number, string>();
      for (const customerId of new Set(txs.filter((t) => t.customer).map((t) => (t.customer as Customer).id))) {
        try {
          accountOf.set(customerId, await this.customers.ensureInExact(customerId, division, { kind }));
        } catch (e) {
          for (const t of txs.filter((x) => x.customer && (x.customer as Customer).id === customerId)) Object.assign(t, { state: 'failed', lastError: errorText(e) });
        }
      }
      await em.flush();
      const groups = new Map<string, DeskTransaction[]>();
      for (const t of txs.filter((x) => x.state !== 'failed')) {
        const key = `${t.date}|${t.method === 'cash' ? 'cash' : 'general'}`;
        groups.set(key, [...(groups.get(key) ?? []), t]);
      }
      summary.failed += txs.filter((x) => x.state === 'failed').length;
      for (const [key, group] of groups) {
        opts.signal?.throwIfAborted();
        await opts.beforeBatch?.();
        const [date, batchKind] = key.split('|') as [string, BatchKind];
        const batch = await this.record(em, location, division, date, batchKind, batchKind === 'cash' ? resolved.settings.cashJournalCode! : resolved.settings.miscJournalCode!, group);
        await this.send(em, batch, group, resolved, kind, summary, accountOf);
        done += group.length;
        await opts.progress?.(done, total);
      }
    }
    return summary;
  }

  /** The intent: the batch and the transactions it carries, committed together before anything is sent. */
  private async record(em: EntityManager, location: Location, division: number, date: string, kind: BatchKind, journalCode: string, txs: DeskTransaction[]): Promise<TransactionBatch> {
    return em.transactional(async (tx) => {
      const [{ max }] = await tx.execute<{ max: number | null }[]>(
        'select max(sequence) as max from transaction_batch where location_id = ? and date = ? and kind = ?',
        [location.id, date, kind],
      );
      const sequence = (max ?? 0) + 1;
      const batch = tx.create(TransactionBatch, {
        location, division, date, kind, sequence, journalCode, state: 'sending',
        reference: TransactionForwardingService.reference(location, date, kind, sequence),
      });
      await tx.flush();
      for (const t of txs) {
        tx.assign(t, { batch, state: 'sending', problems: null, lastError: null });
      }
      return batch;
    });
  }

  private async batchTransactions(em: EntityManager, batch: TransactionBatch): Promise<DeskTransaction[]> {
    return em.find(DeskTransaction, { batch }, { populate: ['type', 'customer', 'invoice'], orderBy: { id: 'asc' } });
  }

  /** The entry's lines, from the batch's transactions (the same lines on every attempt). */
  private lines(batch: TransactionBatch, txs: DeskTransaction[], r: ResolvedLocation, accountOf: Map<number, string>): (ExactCashEntryLine | ExactGeneralJournalEntryLine)[] {
    const out: (ExactCashEntryLine | ExactGeneralJournalEntryLine)[] = [];
    for (const t of txs) {
      const amount = Number(t.amount);
      const description = describe(r.template, t, r.location);
      const customer = t.customer ? (t.customer as Customer) : null;
      const invoiceNumber = t.invoice && /^\d{1,9}$/.test(String((t.invoice as Invoice).number ?? '')) ? Number((t.invoice as Invoice).number) : undefined;
      const onCustomer = customer
        ? { GLAccount: r.debtorsGl, Account: accountOf.get(customer.id)!, ...(invoiceNumber !== undefined ? { OurRef: invoiceNumber } : {}) }
        : undefined;
      const typeGl = r.typeGl.get(t.type.id)!;
      const base = { Date: t.date, Description: description, Notes: batch.reference };
      if (batch.kind === 'cash') {
        out.push({ ...base, AmountFC: amount, ...(onCustomer ?? { GLAccount: typeGl }) });
      } else {
        // the money arrives on the type's account; the customer is credited (a refund: the other way round)
        out.push({ ...base, GLAccount: typeGl, AmountFC: amount });
        out.push({ ...base, AmountFC: -amount, ...onCustomer! });
      }
    }
    return out;
  }

  /**
   * One batch, exactly once, through writeOnce(): an earlier attempt that never learnt its outcome is looked up by our
   * reference first; the attempt is recorded (committed) before the POST; after an unclear outcome one look-up at once,
   * else the batch stays `sending` and the next run looks again before posting. Only a definite refusal marks it failed;
   * a look-up that fails, a rate limit, a paused endpoint or a lost connection leave it for the next run.
   */
  private async send(em: EntityManager, batch: TransactionBatch, txs: DeskTransaction[], resolved: ResolvedLocation | null, kind: CallKind, summary: ForwardSummary, accountOf = new Map<number, string>()): Promise<void> {
    summary.batches++;
    const api = new TransactionsApi(this.client, batch.division);
    const lookup = () => api.findByReference(batch.kind, batch.reference, { kind }).catch((e: unknown) => Promise.reject(new LookupFailed(e)));
    try {
      if (!resolved || !txs.length) {
        // nothing to post now (transactions re-queued meanwhile, or the location's settings broke) — but an earlier
        // attempt may have reached Exact
        const found = batch.attempts > 0 ? await lookup() : undefined;
        if (found) return await this.sent(em, batch, found, summary);
        if (!txs.length) {
          Object.assign(batch, { state: 'failed', lastError: 'no transactions' });
          await em.flush();
        } else summary.unresolved++;
        return;
      }
      await writeOnce<BookedEntry>({
        intent: {
          pending: batch.attempts > 0,
          record: async () => {
            batch.attempts++;
            await em.flush();
          },
          done: (booked) => this.sent(em, batch, booked, summary),
          refused: () => undefined, // marked failed below, with Exact's text
        },
        lookup,
        post: async () => {
          // the customers must be in Exact first (their own exactly-once path; no call when already linked)
          for (const c of new Set(txs.filter((t) => t.customer && !accountOf.has((t.customer as Customer).id)).map((t) => (t.customer as Customer).id))) {
            accountOf.set(c, await this.customers.ensureInExact(c, batch.division, { kind }));
          }
          return api.post(batch.kind, batch.journalCode, this.lines(batch, txs, resolved, accountOf), { kind });
        },
        lookUpAfterUnclear: true,
        // a refused cash or general journal entry holds nothing of ours (Exact numbers them): no look-up after a refusal
        mayAlreadyExist: () => false,
      });
    } catch (err) {
      const e = err instanceof LookupFailed ? err.cause : err;
      batch.lastError = errorText(e);
      if (err instanceof LookupFailed || unclearOutcome(e) || later(e)) {
        // Exact may have it, or could not be asked: the batch stays `sending`; the next run looks it up first
        await em.flush();
        summary.unresolved++;
        return;
      }
      await em.transactional(async (tx) => {
        tx.assign(batch, { state: 'failed' });
        await tx.execute(`update desk_transaction set state = 'failed', last_error = ? where batch_id = ?`, [batch.lastError, batch.id]);
      });
      summary.failed += txs.length;
      if (!(e instanceof ExactError)) this.logger.error(`batch ${batch.reference}: ${(e as Error)?.stack ?? e}`);
    }
  }

  private async sent(em: EntityManager, batch: TransactionBatch, booked: BookedEntry, summary: ForwardSummary): Promise<void> {
    let n = 0;
    await em.transactional(async (tx) => {
      tx.assign(batch, { state: 'sent', exactEntryId: booked.entryId, exactEntryNumber: booked.entryNumber, sentAt: this.clock.now(), lastError: null });
      const res = (await tx.execute(`update desk_transaction set state = 'sent', last_error = null, problems = null where batch_id = ?`, [batch.id], 'run')) as unknown as { affectedRows?: number };
      n = res.affectedRows ?? 0;
    });
    summary.sent += n;
  }
}
