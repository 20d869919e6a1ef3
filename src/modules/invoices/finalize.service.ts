import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { DomainError } from '../../common/errors.js';
import { InvoicesService } from './invoices.service.js';
import { InvoiceExportService, type ExportProblem } from '../accounting-export/invoice-export.service.js';
import { LedgersService } from '../ledgers/ledgers.service.js';
import type { Invoice } from './invoice.entity.js';

/**
 * Problems the export preflight reports that do not stop "Make final": the invoice is not final yet (no number,
 * draft), its location books into no Exact division (Koppel is used without Exact there), or a name/address
 * difference with Exact the user settles on the customer page. Everything else Exact would refuse at export.
 */
const WARN_ONLY = new Set(['export.problems.draft', 'export.problems.noNumber', 'export.problems.noDivision', 'customers.problems.conflict']);

export interface FinalizeCheck {
  /** Exact would refuse the invoice: it cannot be made final until these are fixed. */
  blocking: ExportProblem[];
  /** Shown, but the invoice may be made final. */
  warnings: ExportProblem[];
}

/** "Make final" refused: what Exact would refuse at export (blocked GL account, unmapped VAT rate, no address …). */
export class FinalizeBlockedError extends DomainError {
  constructor(readonly problems: ExportProblem[]) {
    super('finalize_blocked', `Invoice cannot be made final: ${problems.map((p) => p.key).join(', ')}`, 409, 'invoices.finalize.blocked');
  }
}

/** The export preflight at "Make final" (item 5 of issue 12): warn, and refuse what Exact will refuse. */
@Injectable()
export class FinalizeService {
  constructor(
    private readonly em: EntityManager,
    private readonly invoices: InvoicesService,
    private readonly exporter: InvoiceExportService,
    private readonly ledgers: LedgersService,
  ) {}

  /** The preflight of a draft as if it were final (no Exact calls beyond the cached ledger lookup). */
  async check(id: number): Promise<FinalizeCheck> {
    const inv = await this.invoices.get(id);
    return this.checkInvoice(inv);
  }

  private async checkInvoice(inv: Invoice): Promise<FinalizeCheck> {
    await this.em.populate(inv, ['lines', 'lines.vatRate', 'lines.product', 'lines.glAccount', 'lines.costCenter', 'lines.costUnit', 'customer', 'location']);
    const division = inv.location.exactDivision ?? undefined;
    const lookup = division ? await this.ledgers.exportLookup(division) : undefined;
    const { problems } = await this.exporter.prepare(inv, lookup);
    const seen = new Set<string>();
    const unique = problems.filter((p) => {
      const k = `${p.key}:${JSON.stringify(p.params ?? {})}`;
      return seen.has(k) ? false : (seen.add(k), true);
    });
    return { blocking: unique.filter((p) => !WARN_ONLY.has(p.key)), warnings: unique.filter((p) => WARN_ONLY.has(p.key) && p.key !== 'export.problems.draft' && p.key !== 'export.problems.noNumber') };
  }

  /** Makes the invoice final when the preflight finds nothing Exact would refuse; else FinalizeBlockedError. */
  async finalize(id: number): Promise<Invoice> {
    const inv = await this.invoices.get(id);
    if (inv.status === 'draft') {
      const { blocking } = await this.checkInvoice(inv);
      if (blocking.length) throw new FinalizeBlockedError(blocking);
    }
    return this.invoices.finalize(id);
  }
}
