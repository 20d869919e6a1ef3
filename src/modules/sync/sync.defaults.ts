import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import type { ApiBudget, SyncDivision, SyncDivisionSource } from './sync.types.js';

/**
 * Default division source until the Exact connection module provides one: the distinct, non-null
 * `exactDivision` of the locations (health unknown, so 'ok').
 */
@Injectable()
export class LocationsDivisionSource implements SyncDivisionSource {
  constructor(private readonly orm: MikroORM) {}

  async listDivisions(): Promise<SyncDivision[]> {
    const rows = await this.orm.em.fork().execute<{ division: number; names: string }[]>(
      `select exact_division as division, string_agg(name, ', ' order by name) as names
         from locations where exact_division is not null group by exact_division order by exact_division`,
    );
    return rows.map((r) => ({ division: Number(r.division), name: r.names, health: 'ok' as const }));
  }
}

/** Default API budget: no limit (the Exact client replaces it with its per-division limiter). */
@Injectable()
export class UnlimitedApiBudget implements ApiBudget {
  async waitForBudget(): Promise<void> {
    return undefined;
  }
}
