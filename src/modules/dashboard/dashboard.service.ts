import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import { PG_POOL } from '../../database/pg-pool.js';
import { Clock } from '../../common/clock.js';
import { ExactConnectionService } from '../../exact/connection.service.js';
import { SyncService } from '../sync/sync.service.js';
import { HealthFeatureRegistry } from '../connection-health/connection-health.registry.js';
import { toDivisionView } from '../sync/sync.view.js';
import type { Role } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { LocationsService } from '../locations/locations.service.js';

/** One line of the work list: what needs attention, how much, and where to act on it. */
export interface WorkItem {
  key: string;
  count?: number;
  amount?: string;
  params?: Record<string, unknown>;
  href: string;
  kind: 'error' | 'warning' | 'info' | 'ok';
}

export interface Dashboard {
  work: WorkItem[];
  /** the open amounts of final invoices (receivables), overdue part separately */
  open?: { amount: string; count: number; overdueAmount: string; overdueCount: number };
  connection?: 'connected' | 'needs_reconnect' | 'disconnected';
  divisions: (Omit<ReturnType<typeof toDivisionView>, 'rows'> & { failedLabels: string[] })[];
  /** administrations whose last connection health check found problems (rights, modules, master data) */
  healthProblems?: { division: number; problems: number }[];
  /** set-up steps that are really still open, for this role */
  steps: { key: string; href?: string; params?: Record<string, unknown> }[];
}

const FINANCE: Role[] = ['admin', 'accountant'];

/**
 * The dashboard as a work list per role: for admins and accountants the invoices that wait for them (drafts,
 * ready for export, blocked, failed, to be credited), open and overdue amounts, the Exact connection and the
 * health of each administration, and only the set-up steps that are still open. Planners get their own short list.
 */
@Injectable()
export class DashboardService {
  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly clock: Clock,
    private readonly connection: ExactConnectionService,
    private readonly sync: SyncService,
    private readonly users: UsersService,
    private readonly locations: LocationsService,
    private readonly health: HealthFeatureRegistry,
  ) {}

  /** The dashboard page: counts, the work list of the role, administrations needing attention by name, the rest as a count. */
  async page(role: Role) {
    const [locations, users, board] = await Promise.all([this.locations.count(), this.users.count(), this.forRole(role)]);
    const attention = board.divisions.filter((d) => d.health !== 'ok');
    const healthy = board.divisions.length - attention.length;
    return { title: 'dashboard.title', nav: 'dashboard', locations, users, ...board, attention, healthy, finance: FINANCE.includes(role) };
  }

  async forRole(role: Role): Promise<Dashboard> {
    const finance = FINANCE.includes(role);
    const [connection, overview] = await Promise.all([this.connection.connectionState(), this.sync.overview()]);
    // per administration its health, and what failed by name (not by resource id)
    const divisions = overview.map(toDivisionView).map(({ rows, ...d }) => ({ ...d, failedLabels: rows.filter((r) => r.status === 'failed').map((r) => r.labelKey ?? r.resource) }));
    if (!finance) return { work: [], connection, divisions, steps: [] };

    const today = this.clock.today();
    const [counts, open, setup] = await Promise.all([this.invoiceCounts(), this.openAmounts(today), this.setup()]);
    const work: WorkItem[] = [];
    const add = (key: string, count: number, href: string, kind: WorkItem['kind']) => count > 0 && work.push({ key, count, href, kind });
    add('dashboard.work.failed', counts.failed, '/accounting/export', 'error');
    add('dashboard.work.blocked', counts.blocked, '/accounting/export', 'warning');
    add('dashboard.work.creditNote', counts.needs_credit_note, '/accounting/export', 'warning');
    add('dashboard.work.ready', counts.ready, '/accounting/export', 'info');
    add('dashboard.work.drafts', counts.drafts, '/invoices?status=draft', 'info');
    if (open.overdueCount > 0) work.push({ key: 'dashboard.work.overdue', count: open.overdueCount, amount: open.overdueAmount, href: '/invoices?sort=date&dir=asc', kind: 'warning' });

    const steps: Dashboard['steps'] = [];
    if (setup.locations === 0) steps.push({ key: 'dashboard.steps.locations', href: '/settings/locations/new' });
    if (connection !== 'connected') steps.push(role === 'admin' ? { key: 'dashboard.steps.connect', href: '/settings/integrations/exact' } : { key: 'dashboard.steps.askConnect' });
    if (setup.locations > 0 && setup.withoutDivision > 0) {
      steps.push(role === 'admin' ? { key: 'dashboard.steps.linkLocations', href: '/settings/locations', params: { count: setup.withoutDivision } } : { key: 'dashboard.steps.askLinkLocations', params: { count: setup.withoutDivision } });
    }
    for (const d of setup.divisionsWithoutLedgers) steps.push({ key: 'dashboard.steps.importLedgers', href: `/accounting/gl-accounts?division=${d}`, params: { division: d } });
    for (const d of setup.divisionsWithoutJournals) steps.push({ key: 'dashboard.steps.importJournals', href: `/accounting/journals?division=${d}`, params: { division: d } });
    if (setup.locations > 0 && setup.invoices === 0) steps.push({ key: 'dashboard.steps.firstInvoice', href: '/invoices/new' });
    const healthProblems = (await this.health.divisionsWithProblems()).map(({ division, problems }) => ({ division, problems }));
    return { work, open, connection, divisions, steps, healthProblems };
  }

  private async invoiceCounts() {
    const { rows } = await this.pool.query<{ drafts: string; ready: string; blocked: string; failed: string; needs_credit_note: string }>(
      `select count(*) filter (where i.status = 'draft') as drafts,
              count(*) filter (where i.status <> 'draft' and i.number is not null and (e.id is null or e.state = 'queued')) as ready,
              count(*) filter (where e.state = 'blocked') as blocked,
              count(*) filter (where e.state = 'failed') as failed,
              count(*) filter (where e.state = 'needs_credit_note') as needs_credit_note
         from invoice i left join invoice_export e on e.invoice_id = i.id
        where i.status = 'draft' or e.id is null or e.state <> 'exported'`,
    );
    const r = rows[0];
    return { drafts: Number(r.drafts), ready: Number(r.ready), blocked: Number(r.blocked), failed: Number(r.failed), needs_credit_note: Number(r.needs_credit_note) };
  }

  private async openAmounts(today: string) {
    const { rows } = await this.pool.query<{ amount: string | null; count: string; overdue_amount: string | null; overdue_count: string }>(
      `select sum(open) as amount, count(*) as count,
              sum(open) filter (where due_date < $1) as overdue_amount, count(*) filter (where due_date < $1) as overdue_count
         from invoice where status <> 'draft' and open > 0`,
      [today],
    );
    const r = rows[0];
    return { amount: r.amount ?? '0', count: Number(r.count), overdueAmount: r.overdue_amount ?? '0', overdueCount: Number(r.overdue_count) };
  }

  private async setup() {
    const { rows } = await this.pool.query<{ locations: string; without_division: string; invoices: string }>(
      `select (select count(*) from locations) as locations,
              (select count(*) from locations where exact_division is null) as without_division,
              (select count(*) from invoice) as invoices`,
    );
    const divisions = await this.pool.query<{ division: number; gl: boolean; journals: boolean }>(
      `select d.division,
              exists (select 1 from gl_account_link g where g.division = d.division) as gl,
              exists (select 1 from journal j where j.division = d.division) as journals
         from (select distinct exact_division as division from locations where exact_division is not null) d order by d.division`,
    );
    return {
      locations: Number(rows[0].locations),
      withoutDivision: Number(rows[0].without_division),
      invoices: Number(rows[0].invoices),
      divisionsWithoutLedgers: divisions.rows.filter((d) => !d.gl).map((d) => d.division),
      divisionsWithoutJournals: divisions.rows.filter((d) => !d.journals).map((d) => d.division),
    };
  }
}
