import { Injectable, OnModuleInit } from '@nestjs/common';
import { SyncRegistry } from '../sync/sync.registry.js';
import { ConnectionHealthService } from './connection-health.service.js';
import { HEALTH_RESOURCE } from './connection-health.types.js';

/** The check as a sync-engine resource: nightly for every division, and on request (Check now, connect, location mapped). */
@Injectable()
export class ConnectionHealthSync implements OnModuleInit {
  constructor(
    private readonly registry: SyncRegistry,
    private readonly health: ConnectionHealthService,
  ) {}

  onModuleInit(): void {
    if (this.registry.get(HEALTH_RESOURCE)) return;
    this.registry.register({
      name: HEALTH_RESOURCE,
      schedule: 'nightly',
      labelKey: 'connectionHealth.resource',
      run: async (ctx) => {
        // the nightly run leaves the minute's headroom to people; "Check now", a new connection or a saved location
        // has someone waiting for the answer, and costs a handful of calls
        if (ctx.trigger === 'schedule') await ctx.waitForBudget();
        const result = await this.health.check(ctx.division);
        ctx.count({ apiCalls: result.calls, updated: result.problems.length });
      },
    });
  }
}
