import { createHash } from 'node:crypto';
import type { TestApp } from './app.js';
import type { ExactTestEnv } from './exact.js';
import { sql, waitFor } from './sync.js';
import { LedgersSync } from '../../src/modules/ledgers/ledgers.sync.js';
import { Location } from '../../src/modules/locations/location.entity.js';
import { Customer } from '../../src/modules/customers/customer.entity.js';
import { GlAccount } from '../../src/modules/ledgers/gl-account.entity.js';
import { VatRate } from '../../src/modules/ledgers/vat.entity.js';
import { LocationInvoicing } from '../../src/modules/invoices/invoice.entity.js';
import { InvoicesService } from '../../src/modules/invoices/invoices.service.js';
import { EXPORT_RUN_TASK, ExportRunService, type ExportRunStatus } from '../../src/modules/accounting-export/accounting-export.service.js';
import { SyncService } from '../../src/modules/sync/sync.service.js';

export const D1 = 1234567;

/** Runs a ledger import through the sync engine and waits for it (GL accounts, journals, VAT codes). */
export async function importLedgers(t: TestApp, division: number, resources = ['gl-accounts', 'journals', 'vat-codes'] as const): Promise<void> {
  const ledgers = t.app.get(LedgersSync);
  for (const resource of resources) {
    const { importId } = await ledgers.request(division, resource, 'import');
    await waitFor(async () => {
      const [row] = await sql<{ status: string; error: string | null }>(t.db.url, 'select status, error from ledger_import where id = $1', [importId]);
      if (row?.status === 'failed') throw new Error(`${resource} failed: ${row.error}`);
      return row?.status === 'done' ? true : undefined;
    }, `${resource} imported`, 30_000);
  }
}

export interface InvoicingFixture {
  locationId: number;
  customerId: number;
  glAccountId: number;
  vatHigh: number;
  vatLow: number;
}

/** A location booking into the division (journal 70, credits in 75), a customer with an address, defaults. */
export async function invoicingFixture(t: TestApp, opts: { division?: number; nextNumber?: string; code?: string } = {}): Promise<InvoicingFixture> {
  return t.inContext(async () => {
    const em = t.orm.em;
    const code = opts.code ?? 'UTR';
    const location = em.create(Location, { name: `Vestiging ${code}`, code, street: 'Oudegracht', houseNumber: '12', postcode: '3511 AB', city: 'Utrecht', country: 'NL', exactDivision: opts.division ?? D1, salesJournalCode: '70', creditJournalCode: '75' } as never);
    const customer = em.create(Customer, { number: `K${code}1`, name: `Bakkerij ${code} B.V.`, type: 'business', street: 'Markt', houseNumber: '1', postcode: '1234 AB', city: 'Zwolle', country: 'NL', location } as never);
    await em.flush();
    const gl = await em.findOneOrFail(GlAccount, { number: '8000' });
    const high = await em.findOneOrFail(VatRate, { name: '21 %' });
    const low = await em.findOneOrFail(VatRate, { name: '9 %' });
    em.create(LocationInvoicing, { locationId: location.id, glAccount: gl, nextNumber: opts.nextNumber ?? '2026001' });
    await em.flush();
    return { locationId: location.id, customerId: customer.id, glAccountId: gl.id, vatHigh: high.id, vatLow: low.id };
  });
}

/** A final invoice (number assigned, PDF stored) with two lines, one with a discount. */
export async function finalInvoice(t: TestApp, fx: InvoicingFixture, extra: Record<string, unknown> = {}): Promise<{ id: number; number: string; gross: string; sha256: string }> {
  return t.inContext(async () => {
    const svc = t.app.get(InvoicesService);
    const inv = await svc.create({
      locationId: String(fx.locationId),
      customerId: String(fx.customerId),
      invoiceDate: '2026-11-20',
      'lines[0][description]': 'Advies',
      'lines[0][quantity]': '3',
      'lines[0][unitPrice]': '95.00',
      'lines[0][discountPercent]': '10',
      'lines[0][vatRateId]': String(fx.vatHigh),
      'lines[1][description]': 'Boek',
      'lines[1][quantity]': '1',
      'lines[1][unitPrice]': '19.99',
      'lines[1][vatRateId]': String(fx.vatLow),
      ...extra,
    });
    const fin = await svc.finalize(inv.id);
    const [pdf] = await t.orm.em.getConnection().execute<{ sha256: string }[]>('select sha256 from invoice_pdf where invoice_id = ?', [inv.id]);
    return { id: fin.id, number: fin.number!, gross: fin.gross, sha256: pdf.sha256 };
  });
}

/** The sales entries Exact (the sandbox) holds for an entry number. */
export async function exactEntries(x: ExactTestEnv, division: number, entryNumber: string) {
  const { rows } = await x.control<{ rows: Record<string, unknown>[] }>(`data/${division}/SalesEntries?limit=1000&q=${encodeURIComponent(entryNumber)}`);
  return rows.filter((r) => String(r.EntryNumber) === entryNumber);
}

export async function attachmentSha(x: ExactTestEnv, documentId: string): Promise<string | undefined> {
  const { rows } = await x.control<{ rows: Record<string, unknown>[] }>(`data/${D1}/DocumentAttachments?limit=1000&q=${documentId}`);
  const att = rows.find((r) => String(r.Document) === documentId);
  if (!att) return undefined;
  const res = await fetch(`${x.sandbox.url}/_sandbox/attachments/${att.ID}/raw`);
  return createHash('sha256').update(Buffer.from(await res.arrayBuffer())).digest('hex');
}

/** An export run as its page knows it: the request with the engine's state, counts and summary (ExportRunService.get). */
export async function exportRun(t: TestApp, runId: number): Promise<ExportRunStatus> {
  const run = await t.app.get(ExportRunService).get(runId);
  if (!run) throw new Error(`export run ${runId} does not exist`);
  return run;
}

/** Resolves once the export run has ended (done or interrupted); returns it. */
export function exportRunEnded(t: TestApp, runId: number, timeoutMs = 90_000): Promise<ExportRunStatus> {
  return waitFor(async () => {
    const run = await exportRun(t, runId);
    return run.state !== 'running' ? run : undefined;
  }, `export run ${runId} ended`, timeoutMs);
}

/** True when no export run is queued or running (the engine's answer, any process). */
export async function noExportRunning(t: TestApp): Promise<boolean> {
  return (await t.app.get(SyncService).openTaskKeys(EXPORT_RUN_TASK)).length === 0;
}
