import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import { Clock } from '../../common/clock.js';
import { NotFoundError } from '../../common/errors.js';
import { ExactError } from '../../exact/errors.js';
import { SyncRegistry } from '../sync/sync.registry.js';
import { SyncService } from '../sync/sync.service.js';
import type { SyncTaskContext } from '../sync/sync.types.js';
import { CustomerExport, type ExportSummary } from './customer.entity.js';
import { CustomerExportService, type ExportFilter } from './customer-export.service.js';
import type { CustomerExportProgress } from './customers.view.js';

/** The sync-engine task of "Export customers" (key = the customer_export row's id). */
export const CUSTOMER_EXPORT_TASK = 'customer-export';

/**
 * "Export customers" as a sync-engine job: the click records the run and queues the job ('user' trigger); a process
 * running the engine sends the customers (CustomerExportService.exportChanged) and writes the progress the page
 * polls. A run whose worker died is failed as 'interrupted' at once, on the engine's word (job and lease).
 */
@Injectable()
export class CustomerExportRuns implements OnModuleInit {
  private readonly logger = new Logger('CustomerExportRuns');

  constructor(
    private readonly orm: MikroORM,
    private readonly exporter: CustomerExportService,
    private readonly registry: SyncRegistry,
    private readonly sync: SyncService,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.registry.registerTask({
      name: CUSTOMER_EXPORT_TASK,
      labelKey: 'customers.export.title',
      run: (ctx) => this.run(ctx),
      interrupted: (key) => this.markInterrupted(Number(key)),
    });
  }

  /** Records the run and queues its job; the page polls get(id). */
  async start(filter: ExportFilter): Promise<CustomerExport> {
    return this.orm.em.fork().transactional(async (em) => {
      const run = em.create(CustomerExport, { filter: filter as Record<string, unknown> });
      await em.flush();
      await this.sync.submit(CUSTOMER_EXPORT_TASK, String(run.id), { trigger: 'user', payload: { id: run.id } });
      return run;
    });
  }

  /** The progress of a run as its page shows it (NotFoundError for an unknown run). */
  async progress(id: number): Promise<CustomerExportProgress> {
    const run = await this.get(id);
    return { id: run.id, status: run.status, summary: run.summary ?? undefined, error: run.error ?? undefined };
  }

  private async get(id: number): Promise<CustomerExport> {
    const em = this.orm.em.fork();
    const run = await em.findOne(CustomerExport, { id });
    if (!run) throw new NotFoundError('Export');
    if (run.status === 'running') {
      const { state } = await this.sync.taskStatus(CUSTOMER_EXPORT_TASK, String(id));
      if (state === 'failed' || state === 'gone' || state === 'ok') {
        await this.markInterrupted(id);
        await em.refresh(run);
      }
    }
    return run;
  }

  private async markInterrupted(id: number): Promise<void> {
    // its customers stay "changed" for the next export
    await this.orm.em.fork().nativeUpdate(CustomerExport, { id, status: 'running' }, { status: 'failed', error: 'interrupted', finishedAt: this.clock.now() });
  }

  private async run(ctx: SyncTaskContext): Promise<Record<string, unknown>> {
    const id = Number(ctx.key);
    const save = async (patch: Partial<CustomerExport>) => {
      await this.orm.em.fork().nativeUpdate(CustomerExport, { id }, patch);
    };
    // the click queues the job just before its transaction commits: wait for the row to be visible
    const until = Date.now() + 60_000;
    let run = await this.orm.em.fork().findOne(CustomerExport, { id });
    while (!run && Date.now() < until && !ctx.signal.aborted) {
      await new Promise((r) => setTimeout(r, 200));
      run = await this.orm.em.fork().findOne(CustomerExport, { id });
    }
    if (!run) throw new Error(`customer export ${id} does not exist`);
    if (run.status !== 'running') return { skipped: run.status };
    try {
      const summary = await this.exporter.exportChanged(run.filter as ExportFilter, {
        kind: 'background',
        onProgress: async (s) => {
          await save({ summary: s });
          await ctx.progress(s.done, s.total);
        },
      });
      await save({ status: 'done', summary, finishedAt: this.clock.now() });
      ctx.count({ created: summary.created, updated: summary.updated, apiCalls: summary.apiCalls });
      return { total: summary.total, done: summary.done, created: summary.created, updated: summary.updated, failed: summary.failed };
    } catch (e) {
      const summary = (e as { summary?: ExportSummary }).summary;
      const msg = e instanceof ExactError ? `${e.message}${e.exactMessage ? `: ${e.exactMessage}` : ''}` : String((e as Error)?.message ?? e);
      this.logger.error(`customer export ${id} failed: ${msg}`);
      await save({ status: 'failed', error: msg.slice(0, 2000), finishedAt: this.clock.now(), ...(summary ? { summary } : {}) }).catch(() => undefined);
      throw e;
    }
  }
}
