import { Injectable, OnModuleInit } from '@nestjs/common';
import { SyncRegistry } from '../sync/sync.registry.js';
import { SyncService } from '../sync/sync.service.js';
import { ExactPageRegistry } from '../integrations/integrations.types.js';
import { ExactConnectionService } from '../../exact/connection.service.js';
import { ConnectionHealthService } from './connection-health.service.js';
import { HEALTH_RESOURCE } from './connection-health.types.js';

/** The check as a sync-engine resource: nightly for every division, and on request (Check now, connect, location mapped). */
@Injectable()
export class ConnectionHealthSync implements OnModuleInit {
  constructor(
    private readonly registry: SyncRegistry,
    private readonly health: ConnectionHealthService,
    private readonly exactPage: ExactPageRegistry,
    private readonly sync: SyncService,
    private readonly connection: ExactConnectionService,
  ) {}

  onModuleInit(): void {
    // right after connecting (or refreshing the divisions): the health of every administration
    this.exactPage.onConnectionChanged(async () => {
      for (const d of await this.connection.activeDivisions()) await this.sync.enqueue(d.code, HEALTH_RESOURCE, 'manual');
    });
    if (this.registry.get(HEALTH_RESOURCE)) return;
    this.registry.register({
      name: HEALTH_RESOURCE,
      schedule: 'nightly',
      labelKey: 'connectionHealth.resource',
      run: async (ctx) => {
        // the nightly run leaves the minute's headroom to people; "Check now", a new connection or a saved location
        // has someone waiting for the answer, and costs a handful of calls
        if (ctx.trigger === 'schedule') await ctx.waitForBudget();
        // "Check now" and a new connection ask Exact about every right again; the nightly run and a saved location
        // reuse the answers Exact gave before that nothing has contradicted since (HealthRights)
        const result = await this.health.check(ctx.division, { fresh: ctx.trigger === 'manual' });
        ctx.count({ apiCalls: result.calls, updated: result.problems.length });
      },
    });
  }
}
