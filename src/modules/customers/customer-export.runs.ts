import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import { NotFoundError } from '../../common/errors.js';
import { SyncRegistry } from '../sync/sync.registry.js';
import { SyncService, type TaskStatus } from '../sync/sync.service.js';
import type { SyncTaskContext } from '../sync/sync.types.js';
import { errorText } from '../sync/sync.errors.js';
import { CustomerExport, type ExportSummary } from './customer.entity.js';
import { CustomerExportService, type ExportFilter } from './customer-export.service.js';
import type { CustomerExportProgress } from './customers.view.js';

/** The sync-engine task of "Export customers" (key = the customer_exports row's id). */
export const CUSTOMER_EXPORT_TASK = 'customer-export';

const PROGRESS_STATUS = { queued: 'queued', running: 'running', ok: 'done', failed: 'failed', gone: 'failed' } as const;

/**
 * "Export customers" as a sync-engine job: the click records what was asked (customer_exports: the filter) and
 * queues the job ('user' trigger); a process running the engine sends the customers
 * (CustomerExportService.exportChanged). Progress, summary and outcome live in one place, the engine's run row
 * (sync_run), which the page polls through SyncService.taskStatus — a run whose worker died shows as stopped at once.
 */
@Injectable()
export class CustomerExportRuns implements OnModuleInit {
  private readonly logger = new Logger('CustomerExportRuns');

  constructor(
    private readonly orm: MikroORM,
    private readonly exporter: CustomerExportService,
    private readonly registry: SyncRegistry,
    private readonly sync: SyncService,
  ) {}

  onModuleInit(): void {
    this.registry.registerTask({ name: CUSTOMER_EXPORT_TASK, labelKey: 'customers.export.title', run: (ctx) => this.run(ctx) });
  }

  /** Records the request and queues its job; the page polls progress(id). */
  async start(filter: ExportFilter): Promise<CustomerExport> {
    return this.orm.em.fork().transactional(async (em) => {
      const run = em.create(CustomerExport, { filter: filter as Record<string, unknown> });
      await em.flush();
      await this.sync.submit(CUSTOMER_EXPORT_TASK, String(run.id), { trigger: 'user', payload: { id: run.id } });
      return run;
    });
  }

  /** The progress of a run as its page shows it, from the engine (NotFoundError for an unknown run). */
  async progress(id: number): Promise<CustomerExportProgress> {
    if (!(await this.orm.em.fork().count(CustomerExport, { id }))) throw new NotFoundError('Export');
    return toProgress(id, await this.sync.taskStatus(CUSTOMER_EXPORT_TASK, String(id)));
  }

  private async run(ctx: SyncTaskContext): Promise<Record<string, unknown>> {
    const id = Number(ctx.key);
    // the click queues the job just before its transaction commits: wait for the row to be visible
    const until = Date.now() + 60_000;
    let run = await this.orm.em.fork().findOne(CustomerExport, { id });
    while (!run && Date.now() < until && !ctx.signal.aborted) {
      await new Promise((r) => setTimeout(r, 200));
      run = await this.orm.em.fork().findOne(CustomerExport, { id });
    }
    if (!run) throw new Error(`customer export ${id} does not exist`);
    try {
      const summary = await this.exporter.exportChanged(run.filter as ExportFilter, {
        kind: 'background',
        onProgress: (s) => ctx.progress(s.done, s.total, { ...s }),
      });
      ctx.count({ created: summary.created, updated: summary.updated, apiCalls: summary.apiCalls });
      return { ...summary };
    } catch (e) {
      // what was done before it failed stays on the run row; its customers stay "changed" for the next export
      const summary = (e as { summary?: ExportSummary }).summary;
      if (summary) await ctx.progress(summary.done, summary.total, { ...summary }).catch(() => undefined);
      // the engine records the error verbatim (Exact's own message included) on the run row
      this.logger.error(`customer export ${id} failed: ${errorText(e)}`);
      throw e;
    }
  }
}

/** The engine's word on a run: queued, running, done or stopped (with the engine's reason), and its summary. */
function toProgress(id: number, { state, run }: TaskStatus): CustomerExportProgress {
  const summary = (run?.summary ?? undefined) as ExportSummary | undefined;
  const error = state === 'gone' ? 'Interrupted: the export job no longer exists.' : state === 'failed' ? (run?.error ?? undefined) : undefined;
  return { id, status: PROGRESS_STATUS[state], summary, error };
}
