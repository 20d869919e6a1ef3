import { Module } from '@nestjs/common';
import { CustomersModule } from '../customers/customers.module.js';
import { LedgersModule } from '../ledgers/ledgers.module.js';
import { PlanningCostUnits } from './planning-cost-units.js';
import { PlanningService } from './planning.service.js';
import { PlanningCardsService } from './planning-cards.service.js';
import { PlanningSync } from './planning.sync.js';
import { PlanningController, PlanningOptionsController } from './planning.controller.js';
import { CardPageRegistry } from './planning.types.js';

/**
 * Planning imports from Exact (issue 20): the vPlan options per division (Save, Activate), sync resource `planning`
 * (one per division; feeds per entity, webhook topics per division, one sync/Deleted per cycle), Planning → Cards,
 * a card, Planning → Resources; cost centres / units from resources (ledger settings, task `planning-cost-units`). Exports
 * PlanningService (settings, activation), PlanningCardsService (reads) and CardPageRegistry (what another module shows
 * on a card's page, e.g. planning-outgoing's refusals).
 */
@Module({
  imports: [CustomersModule, LedgersModule],
  providers: [PlanningService, PlanningCardsService, PlanningSync, PlanningCostUnits, CardPageRegistry],
  controllers: [PlanningController, PlanningOptionsController],
  exports: [PlanningService, PlanningCardsService, PlanningSync, CardPageRegistry],
})
export class PlanningModule {}
