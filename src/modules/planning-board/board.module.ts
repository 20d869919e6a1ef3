import { Module } from '@nestjs/common';
import { PlanningOutgoingModule } from '../planning-outgoing/outgoing.module.js';
import { PlanningPlanService } from '../planning/planning-plan.service.js';
import { BoardService } from './board.service.js';
import { BoardController } from './board.controller.js';

/**
 * Planning → Board. Plans only through the planning module's PlanningPlanService (provided here until the
 * planning module exports it; it needs nothing but the EntityManager). A move tells the planning-outgoing module
 * (OutgoingService.planChanged), which sends the new dates to Exact when the division has that switched on.
 */
@Module({
  imports: [PlanningOutgoingModule],
  providers: [PlanningPlanService, BoardService],
  controllers: [BoardController],
  exports: [PlanningPlanService],
})
export class PlanningBoardModule {}
