import { Injectable, type OnModuleInit } from '@nestjs/common';
import { SyncRegistry } from '../sync/sync.registry.js';
import { OUTGOING_RESOURCE } from '../time/time.service.js';
import { OutgoingService } from './outgoing.service.js';

/**
 * Sync-engine resource `planning-outgoing` (one per division): every 15 minutes, and triggered when hours are
 * approved, a switch is saved or a message is re-sent (a burst folds into one run).
 */
@Injectable()
export class OutgoingSync implements OnModuleInit {
  constructor(
    private readonly registry: SyncRegistry,
    private readonly outgoing: OutgoingService,
  ) {}

  onModuleInit(): void {
    if (!this.registry.get(OUTGOING_RESOURCE)) {
      this.registry.register({ name: OUTGOING_RESOURCE, schedule: '15min', labelKey: 'outgoing.syncLabel', run: async (ctx) => void (await this.outgoing.run(ctx)) });
    }
  }
}
