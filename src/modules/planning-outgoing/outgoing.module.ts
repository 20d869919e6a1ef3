import { Module } from '@nestjs/common';
import { TimeModule } from '../time/time.module.js';
import { PlanningModule } from '../planning/planning.module.js';
import { OutgoingService } from './outgoing.service.js';
import { OutgoingAdminService } from './outgoing-admin.service.js';
import { OutgoingSync } from './outgoing.sync.js';
import { OutgoingLogController, OutgoingSettingsController } from './outgoing.controller.js';

/**
 * What goes back to Exact from planning and time (issue 16, vPlan's outgoing block): hours, planned dates,
 * delivery dates, selection codes — an outbox, one sync resource `planning-outgoing` per division.
 * A module of its own (not inside time/): three of its four kinds are about cards, not hours.
 */
@Module({
  imports: [TimeModule, PlanningModule],
  providers: [OutgoingService, OutgoingAdminService, OutgoingSync],
  controllers: [OutgoingSettingsController, OutgoingLogController],
  exports: [OutgoingService, OutgoingAdminService],
})
export class PlanningOutgoingModule {}
